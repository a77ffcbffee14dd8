function __flow-envfile_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-envfile_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __flow-envfile_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-envfile_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __flow-envfile_parse_tokens -S
    set -l unparsed_tokens (__flow-envfile_tokens -pc)
    switch $unparsed_tokens[1]
    case 'flow-envfile'
        __flow-envfile_parse_subcommand -r 1 'set=+' 'dialect=' 'no-env' 'no-expand' 'provenance' 'format=' 'lint' 'lint-format=' 'schema=' 'o/output=' 'lock=' 'locked' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __flow-envfile_parse_subcommand -r 1 'version'
        end
    end
end

function __flow-envfile_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __flow-envfile_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __flow-envfile_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __flow-envfile_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__flow-envfile_tokens -p)
    if test -z "$(__flow-envfile_tokens -t)"
        set -l index (count (__flow-envfile_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'flow-envfile' -f
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_positional "flow-envfile" -ge 1' -F
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile"' -l 'set' -d 'Set a variable after the files.' -rfka ''
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" dialect' -l 'dialect' -d 'The .env dialect.' -rfka 'compose python docker'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" no-env' -l 'no-env' -d 'Leave the host environment out: no inheritance, no expansion from it.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" no-expand' -l 'no-expand' -d 'Take values literally: no $ expansion.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" provenance' -l 'provenance' -d 'For each variable, say where it was defined and what it overrode.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" format' -l 'format' -d 'The output format.' -rfka 'json sh dotenv docker make null'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" lint' -l 'lint' -d 'Lint the files with dotenv-linter\'s checks instead; exit 1 on findings.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" lint-format' -l 'lint-format' -d 'The lint report\'s format.' -rfka 'text json'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" schema' -l 'schema' -d 'A dotenv-linter schema (JSON) for the SchemaViolation check.' -rF
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" o output' -l 'output' -s 'o' -d 'Write to FILE atomically instead of standard output.' -rF
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" lock' -l 'lock' -d 'Keep to and record the lock in FILE, created when missing (default: flow.lock beside the workflow, when it exists).' -rF
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" locked' -l 'locked' -d 'Refuse any change to the lock: print what would change and exit 65.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" version' -l 'version' -d 'Show the version.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_positional "flow-envfile" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'flow-envfile' -n '__flow-envfile_should_offer_completions_for_flags_or_options "flow-envfile help" version' -l 'version' -d 'Show the version.'
