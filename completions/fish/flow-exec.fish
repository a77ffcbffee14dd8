function __flow-exec_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-exec_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __flow-exec_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __flow-exec_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __flow-exec_parse_tokens -S
    set -l unparsed_tokens (__flow-exec_tokens -pc)
    switch $unparsed_tokens[1]
    case 'flow-exec'
        __flow-exec_parse_subcommand 1 'j/jobs=' 'stage=' 'only=+' 'from=+' 'rerun=+' 'no-cache' 'why' 'keep-going' 'dry-run' 'format=' 'keep-runs=' 'report=' 'strict' 'stage-output' 'clean-env' 'log-dir=' 'engine=' 'trace=' 'history=' 'grace=' 'syntax=' 'catalog=+' 'index=' 'cpus=' 'memory=' 'gpus=' 'resource=+' 'executor=' 'partition=' 'account=' 'qos=' 'dask-scheduler=' 'default-executor=' 'lock=' 'locked' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __flow-exec_parse_subcommand -r 1 'version'
        end
    end
end

function __flow-exec_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __flow-exec_parse_subcommand -S -a positional_count
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

function __flow-exec_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __flow-exec_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__flow-exec_tokens -p)
    if test -z "$(__flow-exec_tokens -t)"
        set -l index (count (__flow-exec_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'flow-exec' -f
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_positional "flow-exec" -eq 1' -F
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" j jobs' -s 'j' -l 'jobs' -d 'Run at most N stages at once (-j2 or -j 2).' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" stage' -l 'stage' -d 'Run only this stage (for Makefile recipes); its needs are taken as done.' -rfka '(__flow-exec_custom_completion ---completion -- --stage (count (__flow-exec_tokens -pc)) (__flow-exec_tokens -tC))'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec"' -l 'only' -d 'Run only these stages (repeatable).' -rfka '(__flow-exec_custom_completion ---completion -- --only (count (__flow-exec_tokens -pc)) (__flow-exec_tokens -tC))'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec"' -l 'from' -d 'Run this stage and every stage after it (repeatable).' -rfka '(__flow-exec_custom_completion ---completion -- --from (count (__flow-exec_tokens -pc)) (__flow-exec_tokens -tC))'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec"' -l 'rerun' -d 'Run this stage even if the stage cache has it (repeatable).' -rfka '(__flow-exec_custom_completion ---completion -- --rerun (count (__flow-exec_tokens -pc)) (__flow-exec_tokens -tC))'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" no-cache' -l 'no-cache' -d 'Run every stage whatever the stage cache has; still record them.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" why' -l 'why' -d 'Print why each stage would run or is cached; run nothing.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" keep-going' -l 'keep-going' -d 'After a failure, keep running the stages that do not depend on it.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" dry-run' -l 'dry-run' -d 'Print what each stage would run and what flow sets in its environment; run nothing.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" format' -l 'format' -d 'text: for a person (a live view, then a table; --dry-run: a table); json: one JSON line per event (--dry-run: each stage\'s exact argv and environment). Default: text on a terminal and for --dry-run, else json.' -rfka 'text json'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" keep-runs' -l 'keep-runs' -d 'Keep the newest N runs in .flow/runs.' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" report' -l 'report' -d 'Also write the run\'s HTML report (Gantt chart, stage table) to FILE.' -rF
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" strict' -l 'strict' -d 'Refuse a document that skipped a step of the pipeline, naming it.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" stage-output' -l 'stage-output' -d 'Also report each line the stages write as a stage-output event.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" clean-env' -l 'clean-env' -d 'Start stages from an empty environment instead of this one.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" log-dir' -l 'log-dir' -d 'Folder for the stages\' log files (default: .flow/runs/ID/logs beside the workflow).' -rfa '(__flow-exec_complete_directories)'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" engine' -l 'engine' -d 'Container engine: podman, docker or apptainer.' -rfka 'podman docker apptainer'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" trace' -l 'trace' -d 'Write Chrome trace-event JSON of the run to FILE.' -rF
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" history' -l 'history' -d 'Plan with the durations in FILE and record this run\'s durations there.' -rF
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" grace' -l 'grace' -d 'Seconds between SIGTERM and SIGKILL when stopping a stage.' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" syntax' -l 'syntax' -d 'How specs are read: lifeblood (python-semanticversion), node (node-semver), rez, or auto.' -rfka 'auto lifeblood node rez'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec"' -l 'catalog' -d 'A catalogue file, a folder (config.toml then config.d/*.toml), Lifeblood\'s configuration root or a rez repository (NAME/VERSION/package.py); repeatable. Default: FLOW_CATALOG, LIFEBLOOD_CONFIG_LOCATION, REZ_PACKAGES_PATH, then ~/.config/flow/packages.toml.' -rF
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" index' -l 'index' -d 'Where to keep the compiled catalogue index (default: under ~/.cache/flow).' -rF
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" cpus' -l 'cpus' -d 'CPUs to plan for, instead of the probed ones.' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" memory' -l 'memory' -d 'Memory to plan for (8Gi, 16G, bytes), instead of the probed amount.' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" gpus' -l 'gpus' -d 'GPUs to plan for: a count, or ids separated by commas.' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec"' -l 'resource' -d 'Capacity of a named counter; repeatable.' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" executor' -l 'executor' -d 'Run every stage with this executor: local, slurm or dask (default: the document\'s).' -rfka 'local slurm dask'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" partition' -l 'partition' -d 'Slurm partition for the jobs (over extra_data.slurm.partition).' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" account' -l 'account' -d 'Slurm account for the jobs (over extra_data.slurm.account).' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" qos' -l 'qos' -d 'Slurm quality of service for the jobs (over extra_data.slurm.qos).' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" dask-scheduler' -l 'dask-scheduler' -d 'The Dask scheduler\'s address (default: $DASK_SCHEDULER_ADDRESS).' -rfka ''
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" default-executor' -l 'default-executor' -d 'Executor of the stages that name none, below global.executor: local (the default), slurm or dask.' -rfka 'local slurm dask'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" lock' -l 'lock' -d 'Keep to and record the lock in FILE, created when missing (default: flow.lock beside the workflow, when it exists).' -rF
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" locked' -l 'locked' -d 'Refuse any change to the lock: print what would change and exit 65.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" version' -l 'version' -d 'Show the version.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_positional "flow-exec" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'flow-exec' -n '__flow-exec_should_offer_completions_for_flags_or_options "flow-exec help" version' -l 'version' -d 'Show the version.'
