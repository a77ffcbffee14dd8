function __flow-parse_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-parse_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __flow-parse_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-parse_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __flow-parse_parse_tokens -S
    set -l unparsed_tokens (__flow-parse_tokens -pc)
    switch $unparsed_tokens[1]
    case 'flow-parse'
        __flow-parse_parse_subcommand 1 'pretty' 'o/output=' 'check' 'default-executor=' 'schema' 'document-schema' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __flow-parse_parse_subcommand -r 1 'version'
        end
    end
end

function __flow-parse_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __flow-parse_parse_subcommand -S -a positional_count
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

function __flow-parse_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __flow-parse_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__flow-parse_tokens -p)
    if test -z "$(__flow-parse_tokens -t)"
        set -l index (count (__flow-parse_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'flow-parse' -f
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_positional "flow-parse" -eq 1' -F
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" pretty' -l 'pretty' -d 'Indent the JSON output for people.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" o output' -l 'output' -s 'o' -d 'Write to FILE atomically instead of standard output.' -rF
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" check' -l 'check' -d 'Only check the workflow and that flow-exec can run its stages; print nothing.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" default-executor' -l 'default-executor' -d 'Executor of the stages that name none, below global.executor: local (the default), slurm or dask.' -rfka 'local slurm dask'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" schema' -l 'schema' -d 'Print a JSON Schema of the workflow format, for editors, and exit.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" document-schema' -l 'document-schema' -d 'Print a JSON Schema of the pipe document the flow tools write, and exit.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" version' -l 'version' -d 'Show the version.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_positional "flow-parse" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'flow-parse' -n '__flow-parse_should_offer_completions_for_flags_or_options "flow-parse help" version' -l 'version' -d 'Show the version.'
