function __flow-sched_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-sched_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __flow-sched_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-sched_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __flow-sched_parse_tokens -S
    set -l unparsed_tokens (__flow-sched_tokens -pc)
    switch $unparsed_tokens[1]
    case 'flow-sched'
        __flow-sched_parse_subcommand 1 'probe' 'explain' 'probe-root=' 'cpus=' 'memory=' 'gpus=' 'resource=+' 'history=' 'waves' 'plan-time=' 'format=' 'make-command=' 'o/output=' 'pretty' 'timing' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __flow-sched_parse_subcommand -r 1 'version'
        end
    end
end

function __flow-sched_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __flow-sched_parse_subcommand -S -a positional_count
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

function __flow-sched_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __flow-sched_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__flow-sched_tokens -p)
    if test -z "$(__flow-sched_tokens -t)"
        set -l index (count (__flow-sched_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'flow-sched' -f
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_positional "flow-sched" -eq 1' -F
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" probe' -l 'probe' -d 'Print what this machine offers instead of planning.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" explain' -l 'explain' -d 'Print why each stage that asks for a GPU gets one or not, instead of the plan.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" probe-root' -l 'probe-root' -d 'Read /sys, /proc and /dev below DIR (also FLOW_PROBE_ROOT).' -rfa '(__flow-sched_complete_directories)'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" cpus' -l 'cpus' -d 'CPUs to plan for, instead of the probed ones.' -rfka ''
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" memory' -l 'memory' -d 'Memory to plan for (8Gi, 16G, bytes), instead of the probed amount.' -rfka ''
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" gpus' -l 'gpus' -d 'GPUs to plan for: a count, or ids separated by commas.' -rfka ''
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched"' -l 'resource' -d 'Capacity of a named counter; repeatable.' -rfka ''
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" history' -l 'history' -d 'Durations of earlier runs: {"stages": {"name": seconds}}.' -rF
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" waves' -l 'waves' -d 'Plan Snakemake-style layers with barriers, and report their idle capacity.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" plan-time' -l 'plan-time' -d 'Seconds the planner may search (default 10 ms a stage, at most 1).' -rfka ''
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" format' -l 'format' -d 'Output: json, text, dot, svg or make.' -rfka 'json text dot svg make'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" make-command' -l 'make-command' -d 'The command the Makefile\'s recipes run (--format make).' -rfka ''
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" o output' -l 'output' -s 'o' -d 'Write to FILE atomically instead of standard output.' -rF
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" pretty' -l 'pretty' -d 'Indent the JSON output.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" timing' -l 'timing' -d 'Report on standard error how long reading, planning and writing took.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" version' -l 'version' -d 'Show the version.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_positional "flow-sched" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'flow-sched' -n '__flow-sched_should_offer_completions_for_flags_or_options "flow-sched help" version' -l 'version' -d 'Show the version.'
