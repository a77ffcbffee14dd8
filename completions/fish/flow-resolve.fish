function __flow-resolve_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-resolve_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __flow-resolve_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-resolve_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __flow-resolve_parse_tokens -S
    set -l unparsed_tokens (__flow-resolve_tokens -pc)
    switch $unparsed_tokens[1]
    case 'flow-resolve'
        __flow-resolve_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'resolve'
            __flow-resolve_parse_subcommand -r 1 'catalog=+' 'index=' 'format=' 'base-env=' 'explain' 'full-derivation' 'pre' 'syntax=' 'exclude=+' 'time=' 'implicits' 'no-implicits' 'pretty' 'o/output=' 'lock=' 'locked' 'update-lock' 'version' 'h/help'
        case 'scan'
            __flow-resolve_parse_subcommand 0 'root=' 'version' 'h/help'
        case 'generate'
            __flow-resolve_parse_subcommand 0 'root=' 'o/output=' 'override' 'version' 'h/help'
        case 'help'
            __flow-resolve_parse_subcommand -r 1 'version'
        end
    end
end

function __flow-resolve_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __flow-resolve_parse_subcommand -S -a positional_count
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

function __flow-resolve_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __flow-resolve_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__flow-resolve_tokens -p)
    if test -z "$(__flow-resolve_tokens -t)"
        set -l index (count (__flow-resolve_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'flow-resolve' -f
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve" version' -l 'version' -d 'Show the version.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_positional "flow-resolve" -eq 1' -fa 'resolve' -d 'Resolve requirements (the default subcommand).'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_positional "flow-resolve" -eq 1' -fa 'scan' -d 'Print a catalogue of the software installed here.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_positional "flow-resolve" -eq 1' -fa 'generate' -d 'Add the software installed here to a catalogue file.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_positional "flow-resolve" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve"' -l 'catalog' -d 'A catalogue file, a folder (config.toml then config.d/*.toml), Lifeblood\'s configuration root or a rez repository (NAME/VERSION/package.py); repeatable. Default: FLOW_CATALOG, LIFEBLOOD_CONFIG_LOCATION, REZ_PACKAGES_PATH, then ~/.config/flow/packages.toml.' -rF
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" index' -l 'index' -d 'Where to keep the compiled catalogue index (default: under ~/.cache/flow).' -rF
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" format' -l 'format' -d 'Output: json (packages and actions), sh (export lines, then alias functions) or env (full environment).' -rfka ''
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" base-env' -l 'base-env' -d 'With --format env or sh: the base environment (NAME=VALUE lines) instead of the current one.' -rF
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" explain' -l 'explain' -d 'Say why each version was chosen.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" full-derivation' -l 'full-derivation' -d 'When no set of versions fits, give every step of the reason (default: at most 100).'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" pre' -l 'pre' -d 'Allow prereleases wherever a spec allows them (Lifeblood\'s behaviour).'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" syntax' -l 'syntax' -d 'How specs are read: lifeblood (python-semanticversion), node (node-semver), rez, or auto.' -rfka 'auto lifeblood node rez'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve"' -l 'exclude' -d 'Never choose the versions a \'name spec\' allows (any spec: every version); repeatable.' -rfka ''
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" time' -l 'time' -d 'Choose from what was released by this date (2024-05-01 or 2024-05-01T12:00:00Z); versions without \'released\' stay visible.' -rfka ''
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" implicits' -l 'implicits' -d 'Offer the machine\'s facts as packages (gpu, cuda_driver, glibc); default: on for a pipe document, off for requirements given here.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" no-implicits' -l 'no-implicits' -d 'Offer the machine\'s facts as packages (gpu, cuda_driver, glibc); default: on for a pipe document, off for requirements given here.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" pretty' -l 'pretty' -d 'Indent the JSON output for people.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" o output' -l 'output' -s 'o' -d 'Write to FILE atomically instead of standard output.' -rF
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" lock' -l 'lock' -d 'Keep to and record the lock in FILE, created when missing (default: flow.lock beside the workflow, when it exists).' -rF
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" locked' -l 'locked' -d 'Refuse any change to the lock: print what would change and exit 65.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" update-lock' -l 'update-lock' -d 'Move the lock on: resolve the packages named as arguments (none: every package) afresh and record them; the others keep their locked versions while they fit.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" version' -l 'version' -d 'Show the version.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve resolve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve scan" root' -l 'root' -d 'Look under DIR instead of / (its opt, usr and usr/local folders).' -rfa '(__flow-resolve_complete_directories)'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve scan" version' -l 'version' -d 'Show the version.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve scan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve generate" root' -l 'root' -d 'Look under DIR instead of / (its opt, usr and usr/local folders).' -rfa '(__flow-resolve_complete_directories)'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve generate" o output' -s 'o' -l 'output' -d 'The catalogue file (default: ~/.config/flow/packages.toml).' -rF
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve generate" override' -l 'override' -d 'Replace entries that already exist instead of keeping them.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve generate" version' -l 'version' -d 'Show the version.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve generate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-resolve' -n '__flow-resolve_should_offer_completions_for_flags_or_options "flow-resolve help" version' -l 'version' -d 'Show the version.'
