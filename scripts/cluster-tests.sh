#!/bin/bash
# flow-exec against a real single-node Slurm cluster with two fake GPUs, then against a
# Dask scheduler with one worker (resources GPU=1, MEMORY=2e9, licence=1). Both run in a
# private network namespace (only loopback) and are stopped by PID when this ends.
# usage: scripts/cluster-tests.sh BIN_DIR     (BIN_DIR holds flow-parse and flow-exec)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:?usage: cluster-tests.sh BIN_DIR}" && pwd)
if [ -z "${FLOW_CLUSTER_NAMESPACE:-}" ]; then
  exec env FLOW_CLUSTER_NAMESPACE=1 unshare -n "$here/netns-run.sh" "$0" "$bin"
fi

work=$(mktemp -d /tmp/flow-cluster.XXXXXX)
export SLURM_TEST_DIR="$work/slurm" SLURM_TEST_CPUS=2 SLURM_TEST_MEM=2000 SLURM_TEST_GPUS=2
export DASK_TEST_DIR="$work/dask"
trap '"$here/slurm-localcluster.sh" stop >/dev/null 2>&1; "$here/dask-localcluster.sh" stop
  rm -rf "$work"' EXIT
eval "$("$here/slurm-localcluster.sh" start)"
export SLURM_CONF

failures=0
pass() { echo "ok - $1"; }
fail() {
  echo "not ok - $1" >&2; failures=$((failures + 1))
  cat "$work"/*/events.jsonl "$work"/*/stderr >&2 2>/dev/null || true
}

# run NAME [flow-exec options]: parses $work/NAME/workflow.yaml, runs it
# on Slurm; events in $work/NAME/events.jsonl, status in $status.
executor=slurm
run() {
  local name=$1; shift
  set +e
  "$bin/flow-parse" "$work/$name/workflow.yaml" \
    | "$bin/flow-exec" --executor $executor "$@" >"$work/$name/events.jsonl" 2>"$work/$name/stderr"
  status=$?
  set -e
}
workflow() { mkdir -p "$work/$1"; cat >"$work/$1/workflow.yaml"; }
event() { jq -r "select(.type == \"stage-end\" and .data.stage == \"$2\") | .data.$3" \
  "$work/$1/events.jsonl"; }
queue_empty() { [ -z "$(squeue --noheader --format=%i)" ]; }
# all_cancelled ID...: Slurm says each job was cancelled (scontrol: no sacct here) within
# 30 s; scontrol may time out on a loaded machine, so one look is not enough.
is_cancelled() { scontrol show job "$1" 2>/dev/null | grep -q "JobState=CANCELLED"; }
all_cancelled() {
  local id
  for id in "$@"; do
    wait_for is_cancelled "$id" || { echo "job $id: $(scontrol show job "$id" 2>&1 | grep -o 'JobState=[A-Z]*\|error.*')" >&2; return 1; }
  done
}
submitted_ids() { jq -r 'select(.type == "stage-submit") | .data.job' "$work/$1/events.jsonl"; }
# wait_for CONDITION...: polls for up to 30 s.
wait_for() { for _ in $(seq 150); do "$@" && return 0; sleep 0.2; done; return 1; }
# finish PID: waits up to 60 s for the stopped flow-exec PID, sets $status; one still
# running then is a failure (killed, status 137): a stop must never wait on a job forever.
finish() {
  local pid=$1
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "flow-exec $pid still running 60 s after the signal" >&2
    kill -KILL "$pid"
  fi
  set +e; wait "$pid"; status=$?; set -e
}

# (A stage without needs waits for the one before it.)
# A diamond whose later stages read what the earlier ones wrote:
# diamond NAME RESOURCES_OF_A RESOURCES_OF_B COMMAND_ENDING_Y
diamond() {
  workflow "$1" <<YAML
stages:
  - {name: A, type: BashOperator, kwargs: {bash_command: "sleep 1; echo A > a.txt"}, needs: [], environment: {resources: $2}}
  - {name: B, type: BashOperator, kwargs: {bash_command: "echo B > b.txt"}, needs: [], environment: {resources: $3}}
  - {name: C, type: BashOperator, kwargs: {bash_command: "cat a.txt b.txt > c.txt"}, needs: [A, B]}
  - {name: D, type: BashOperator, kwargs: {bash_command: "cat b.txt a.txt > d.txt"}, needs: [A, B]}
  - {name: Y, type: BashOperator, kwargs: {bash_command: "cat c.txt d.txt > y.txt; $4"}, needs: [C, D]}
YAML
}
diamond diamond "{memory: 100Mi}" "{cpu: 1}" "true"
run diamond
if [ "$status" = 0 ] && [ "$(tr '\n' ' ' <"$work/diamond/y.txt")" = "A B B A " ] \
  && [ "$(jq -s '[.[] | select(.type == "stage-submit")] | length' "$work/diamond/events.jsonl")" = 5 ]
then pass "diamond on slurm, dependencies honoured"; else fail "diamond (status $status)"; fi

# Slurm stages are cached as local ones are: a record is written as each job ends with
# status 0, and a cached stage is never submitted. --rerun C submits C and Y, which needs
# it (its key is known once C ended); the run after that submits nothing again.
# count NAME JQ_FILTER: how many events of NAME's last run the filter keeps.
count() { jq -s "[.[] | select($2)] | length" "$work/$1/events.jsonl"; }
run diamond
submits_again=$(count diamond '.type == "stage-submit"')
cached_again=$(count diamond '.type == "stage-end" and .data.outcome == "cached"')
run diamond --rerun C
submitted_rerun=$(jq -r 'select(.type == "stage-submit") | .data.stage' "$work/diamond/events.jsonl" | tr '\n' ' ')
run diamond
if [ "$status" = 0 ] && [ "$submits_again" = 0 ] && [ "$cached_again" = 5 ] \
  && [ "$submitted_rerun" = "C Y " ] && [ "$(count diamond '.type == "stage-submit"')" = 0 ]
then pass "slurm stages cached: nothing submitted again, --rerun C submits C and Y only"
else fail "slurm cache (status $status, again $submits_again/$cached_again, rerun '$submitted_rerun')"; fi

# A GPU stage gets its device from Slurm.
workflow gpu <<'YAML'
stages:
  - name: G
    type: BashOperator
    kwargs: {bash_command: 'echo "$CUDA_VISIBLE_DEVICES" > gpu.txt'}
    environment: {resources: {gpu: 1}}
YAML
run gpu
if [ "$status" = 0 ] && [ "$(cat "$work/gpu/gpu.txt")" = 0 ]; then
  pass "gpu stage sees CUDA_VISIBLE_DEVICES=0"
else fail "gpu stage (status $status, saw '$(cat "$work/gpu/gpu.txt" 2>/dev/null)')"; fi

# A failing stage's exit code is flow-exec's; with --keep-going the independent stage
# still runs and the dependent one is skipped.
workflow failing <<'YAML'
stages:
  - {name: bad, type: BashOperator, kwargs: {bash_command: "exit 3"}}
  - {name: after, type: BashOperator, kwargs: {bash_command: "true"}, needs: [bad]}
  - {name: other, type: BashOperator, kwargs: {bash_command: "sleep 2; echo done > other.txt"}, needs: []}
YAML
run failing --keep-going
if [ "$status" = 3 ] && [ "$(event failing bad status)" = 3 ] \
  && [ "$(event failing after outcome)" = skipped ] && [ "$(event failing other outcome)" = succeeded ] \
  && queue_empty
then pass "exit code comes back; --keep-going runs what does not depend on the failure"
else fail "failing stage with --keep-going (status $status)"; fi

# Ctrl-C cancels the running job and the queued one.
workflow stop <<'YAML'
stages:
  - {name: first, type: BashOperator, kwargs: {bash_command: "sleep 300"}, environment: {resources: {cpu: 2}}}
  - {name: second, type: BashOperator, kwargs: {bash_command: "sleep 300"}, environment: {resources: {cpu: 2}}, needs: []}
YAML
"$bin/flow-parse" "$work/stop/workflow.yaml" >"$work/stop/document.json"
"$bin/flow-exec" --executor slurm "$work/stop/document.json" >"$work/stop/events.jsonl" \
  2>"$work/stop/stderr" &
runner=$!
# Also until flow-exec itself saw the first job start (it looks every half second).
for _ in $(seq 100); do
  [ "$(squeue --noheader --state=RUNNING --format=%i | wc -l)" = 1 ] \
    && [ "$(squeue --noheader --state=PENDING --format=%i | wc -l)" = 1 ] \
    && grep -q '"type":"stage-start","data":{"stage":"first"' "$work/stop/events.jsonl" && break
  sleep 0.2
done
kill -INT "$runner"
finish "$runner"
# shellcheck disable=SC2046
if [ "$status" = 130 ] && queue_empty && [ "$(event stop first status)" = 130 ] \
  && [ "$(event stop second outcome)" = skipped ] && all_cancelled $(submitted_ids stop) \
  && [ "$(submitted_ids stop | wc -l)" = 2 ] \
  && grep -q "SIGINT received: stopping the run" "$work/stop/stderr" \
  && grep -q "cancelling slurm jobs $(submitted_ids stop | sort -n | paste -sd, | sed 's/,/, /g')" \
    "$work/stop/stderr"
then pass "ctrl-c while waiting cancels the running and the queued job, and says so"
else fail "ctrl-c while waiting (status $status)"; fi

# A slow sbatch first on PATH: it waits SBATCH_DELAY_BEFORE seconds, submits with the
# real sbatch, records the job id it got in $SBATCH_LOG, waits SBATCH_DELAY_AFTER seconds,
# copies flow-exec's standard error so far ($FLOW_STDERR) beside it, and only then hands
# the id over.
mkdir -p "$work/slowbin"
cat >"$work/slowbin/sbatch" <<SBATCH
#!/bin/sh
sleep "\${SBATCH_DELAY_BEFORE:-0}"
out=\$($(command -v sbatch) "\$@")
status=\$?
echo "\$out" >>"\$SBATCH_LOG"
sleep "\${SBATCH_DELAY_AFTER:-0}"
cp "\$FLOW_STDERR" "\$FLOW_STDERR.at-return"
echo "\$out"
exit \$status
SBATCH
chmod +x "$work/slowbin/sbatch"

# slow_run NAME SIGNAL CONDITION...: runs NAME's workflow on Slurm through the slow
# sbatch, sends SIGNAL once CONDITION holds, and waits for flow-exec's end.
slow_run() {
  local name=$1 signal=$2
  shift 2
  "$bin/flow-parse" "$work/$name/workflow.yaml" >"$work/$name/document.json"
  : >"$work/$name/sbatch.log"
  SBATCH_LOG="$work/$name/sbatch.log" FLOW_STDERR="$work/$name/stderr" \
    PATH="$work/slowbin:$PATH" "$bin/flow-exec" --executor slurm "$work/$name/document.json" \
    >"$work/$name/events.jsonl" 2>"$work/$name/stderr" &
  local runner=$!
  wait_for "$@" || echo "condition never held: $*" >&2
  kill "-$signal" "$runner"
  finish "$runner"
}
jobs_in_queue() { [ -n "$(squeue --noheader --format=%i)" ]; }
sbatch_log_has() { [ "$(grep -c . "$work/$1/sbatch.log")" -ge "$2" ]; }

# Ctrl-C in the middle of submitting twenty chained stages: what was submitted is
# cancelled (every job id sbatch gave, the one under way included), nothing more is
# submitted, the rest is skipped.
mkdir -p "$work/midsubmit"
{
  echo "stages:"
  for i in $(seq 1 20); do
    needs="[]"; [ "$i" -gt 1 ] && needs="[s$((i - 1))]"
    echo "  - {name: s$i, type: BashOperator, kwargs: {bash_command: \"sleep 300\"}, needs: $needs}"
  done
} >"$work/midsubmit/workflow.yaml"
SBATCH_DELAY_BEFORE=0.5 slow_run midsubmit INT jobs_in_queue
sbatched=$(grep -c . "$work/midsubmit/sbatch.log" || true)
# shellcheck disable=SC2046
if [ "$status" = 130 ] && queue_empty && [ "$sbatched" -ge 1 ] && [ "$sbatched" -lt 20 ] \
  && all_cancelled $(cat "$work/midsubmit/sbatch.log") \
  && [ "$(submitted_ids midsubmit | sort)" = "$(sort "$work/midsubmit/sbatch.log")" ] \
  && [ "$(jq -s '[.[] | select(.type == "stage-submit") | .data.stage] as $sent
      | [.[] | select(.type == "stage-end" and .data.outcome == "skipped"
        and (.data.stage | IN($sent[]) | not))] | length' \
    "$work/midsubmit/events.jsonl")" = $((20 - sbatched)) ] \
  && grep -q "SIGINT received" "$work/midsubmit/stderr" \
  && grep -q "no job of this run is left in the queue" "$work/midsubmit/stderr"
then pass "ctrl-c mid-submission: $sbatched of 20 jobs submitted, all cancelled, the rest never submitted"
else fail "ctrl-c mid-submission (status $status, $sbatched sbatch runs)"; fi

# SIGTERM while sbatch is under way: flow-exec says at once that it stops (before sbatch
# returns), the job id comes after the signal and that job is cancelled too; no second
# sbatch starts.
workflow inflight <<'YAML'
stages:
  - {name: one, type: BashOperator, kwargs: {bash_command: "sleep 300"}, needs: []}
  - {name: two, type: BashOperator, kwargs: {bash_command: "sleep 300"}, needs: []}
  - {name: three, type: BashOperator, kwargs: {bash_command: "sleep 300"}, needs: [one]}
YAML
SBATCH_DELAY_AFTER=3 slow_run inflight TERM sbatch_log_has inflight 1
inflight_id=$(cat "$work/inflight/sbatch.log")
if [ "$status" = 143 ] && queue_empty && [ "$(grep -c . "$work/inflight/sbatch.log")" = 1 ] \
  && all_cancelled "$inflight_id" && [ "$(submitted_ids inflight)" = "$inflight_id" ] \
  && [ "$(jq -r 'select(.type == "cancel") | .data.jobs[]' "$work/inflight/events.jsonl")" = "$inflight_id" ] \
  && [ "$(event inflight two outcome)" = skipped ] && [ "$(event inflight three outcome)" = skipped ] \
  && grep -q "SIGTERM received" "$work/inflight/stderr.at-return" \
  && ! grep -q "cancelling" "$work/inflight/stderr.at-return" \
  && grep -q "cancelling slurm jobs $inflight_id\$" "$work/inflight/stderr"
then pass "sigterm during an sbatch: the job it returns afterwards is cancelled, no other submitted"
else fail "sigterm during an sbatch (status $status, sbatch log: $(tr '\n' ' ' <"$work/inflight/sbatch.log"))"; fi

# --dry-run shows what sbatch would get, and submits nothing.
diamond drydiamond "{memory: 100Mi}" "{cpu: 1}" "true"
SBATCH_LOG="$work/drydiamond/sbatch.log" PATH="$work/slowbin:$PATH" run drydiamond --dry-run --format json
if [ "$status" = 0 ] && [ ! -e "$work/drydiamond/sbatch.log" ] && queue_empty \
  && [ "$(jq -r 'select(.data.stage == "Y") | .data.argv[0]' "$work/drydiamond/events.jsonl")" = sbatch ] \
  && jq -r 'select(.data.stage == "Y") | .data.argv[]' "$work/drydiamond/events.jsonl" \
    | grep -qx -- "--dependency=afterok:<C>:<D>"
then pass "dry run on slurm prints sbatch's argv and submits nothing"
else fail "dry run on slurm (status $status)"; fi

# More GPUs than the node has: refused before anything is submitted, with the numbers
# sinfo gives.
workflow toobig <<'YAML'
stages:
  - {name: small, type: BashOperator, kwargs: {bash_command: "true"}}
  - {name: big, type: BashOperator, kwargs: {bash_command: "true"}, environment: {resources: {gpu: 3}}}
YAML
run toobig
if [ "$status" = 125 ] && [ -z "$(submitted_ids toobig)" ] \
  && grep -q "stage 'big' .*needs 1 cpu, 0 MiB and 3 gpu, which no node of Slurm partition 'debug' has (localhost: 2 cpu, 2000 MiB, 2 gpu)" "$work/toobig/stderr"
then pass "a stage asking more than any node has is refused before submitting, with the numbers"
else fail "too big (status $status: $(cat "$work/toobig/stderr"))"; fi

# The same environment everywhere: a stage whose package sets TOOL_HOME and prepends to
# PATH, submitted from a polluted shell with SBATCH_EXPORT=NONE, starts from the node's
# own environment (--export=NONE): nothing of the submitting shell, PATH the node's with
# the package's folder first, and flow's own variables as a local run of the stage has
# them. Allowed to differ: SLURM_* and what the node's login environment sets.
workflow parity <<'YAML'
stages:
  - name: dump
    type: BashOperator
    kwargs: {bash_command: 'env | sort > "dump-${SLURM_JOB_ID:+slurm}${SLURM_JOB_ID:-local}.txt"'}
    environment: {variables: {MODE: fast}}
YAML
"$bin/flow-parse" "$work/parity/workflow.yaml" | jq -c '.stages[0].resolution = {actions: [
  {action: "set", variable: "TOOL_HOME", value: "/opt/tool", package: "tool"},
  {action: "prepend", variable: "PATH", value: "$TOOL_HOME/bin", package: "tool"}]}' \
  >"$work/parity/document.json"
set +e
POLLUTED=yes PATH="/polluted/bin:$PATH" SBATCH_EXPORT=NONE "$bin/flow-exec" --executor slurm \
  "$work/parity/document.json" >"$work/parity/events.jsonl" 2>"$work/parity/stderr"
status=$?
POLLUTED=yes "$bin/flow-exec" --executor local "$work/parity/document.json" \
  >>"$work/parity/events.jsonl" 2>>"$work/parity/stderr"
local_status=$?
set -e
slurm_dump=$(ls "$work"/parity/dump-slurm*.txt 2>/dev/null | head -1)
flow_vars() { grep -E '^(FLOW_STAGE|FLOW_WORKFLOW|MODE|TOOL_HOME)=' "$1"; }
if [ "$status" = 0 ] && [ "$local_status" = 0 ] && [ -n "$slurm_dump" ] \
  && ! grep -q '^POLLUTED=' "$slurm_dump" && ! grep -q '/polluted/' "$slurm_dump" \
  && grep -q '^PATH=/opt/tool/bin:/' "$slurm_dump" \
  && [ "$(flow_vars "$slurm_dump")" = "$(flow_vars "$work/parity/dump-local.txt")" ] \
  && [ "$(flow_vars "$slurm_dump" | wc -l)" = 4 ]
then pass "slurm: the node's own environment with flow's additions, as locally"
else fail "environment parity on slurm (status $status/$local_status: $(cat "$slurm_dump" 2>/dev/null))"; fi

# A failed attempt tried again (on: [failed]) is resubmitted, and the stage that waited
# for it runs after the new job.
workflow retry <<'YAML'
stages:
  - {name: flaky, type: BashOperator, kwargs: {bash_command: 'echo x >> tries; [ $(wc -l < tries) -ge 2 ]'}, retry: {attempts: 2, on: [failed]}}
  - {name: after, type: BashOperator, kwargs: {bash_command: "cat tries > after.txt"}, needs: [flaky]}
YAML
run retry
if [ "$status" = 0 ] && [ "$(wc -l <"$work/retry/after.txt")" = 2 ] \
  && [ "$(jq -s '[.[] | select(.type == "stage-retry")] | length' "$work/retry/events.jsonl")" = 1 ] \
  && [ "$(jq -s '[.[] | select(.type == "stage-submit")] | length' "$work/retry/events.jsonl")" = 3 ] \
  && queue_empty
then pass "slurm: a retried job is resubmitted and its dependants follow the new job"
else fail "retry on slurm (status $status)"; fi

# The same on Dask (Slurm stays up for the runs that mix executors at the end): the diamond with resources, a refusal before submitting, Ctrl-C, and
# what happens without the distributed package or without python3.
eval "$("$here/dask-localcluster.sh" start)"
export DASK_SCHEDULER_ADDRESS
executor=dask
diamond daskdiamond "{gpu: 1, memory: 1Gi}" "{licence: 1}" "exit 5"
run daskdiamond
if [ "$status" = 5 ] && [ "$(tr '\n' ' ' <"$work/daskdiamond/y.txt")" = "A B B A " ] \
  && [ "$(event daskdiamond Y status)" = 5 ]
then pass "diamond on dask with resources, exit code comes back"; else fail "dask diamond (status $status)"; fi

# Dask stages are cached as local ones are: the second run submits nothing.
workflow daskcache <<'YAML'
stages:
  - {name: first, type: BashOperator, kwargs: {bash_command: "echo one > one.txt"}, outputs: [one.txt]}
  - {name: second, type: BashOperator, kwargs: {bash_command: "cat one.txt > two.txt"}, needs: [first], inputs: [one.txt], outputs: [two.txt]}
YAML
run daskcache
first_submits=$(count daskcache '.type == "stage-submit"')
run daskcache
if [ "$status" = 0 ] && [ "$first_submits" = 2 ] && [ "$(count daskcache '.type == "stage-submit"')" = 0 ] \
  && [ "$(count daskcache '.type == "stage-end" and .data.outcome == "cached"')" = 2 ]
then pass "dask stages cached: the second run submits nothing"
else fail "dask cache (status $status, first run submitted $first_submits)"; fi

workflow daskbig <<'YAML'
stages:
  - {name: small, type: BashOperator, kwargs: {bash_command: "touch ran"}, needs: []}
  - {name: big, type: BashOperator, kwargs: {bash_command: "true"}, needs: [], environment: {resources: {gpu: 2}}}
YAML
run daskbig
if [ "$status" = 125 ] && grep -q "stage 'big' can never run: no worker has" "$work/daskbig/stderr" \
  && [ ! -e "$work/daskbig/ran" ]
then pass "dask: a stage no worker could run is refused before anything is submitted"
else fail "dask refusal (status $status: $(cat "$work/daskbig/stderr"))"; fi

workflow daskstop <<'YAML'
stages:
  - {name: long, type: BashOperator, kwargs: {bash_command: "echo $$ > pid; exec sleep 300"}, needs: []}
YAML
"$bin/flow-parse" "$work/daskstop/workflow.yaml" >"$work/daskstop/document.json"
"$bin/flow-exec" --executor dask "$work/daskstop/document.json" >"$work/daskstop/events.jsonl" \
  2>"$work/daskstop/stderr" &
runner=$!
for _ in $(seq 100); do [ -s "$work/daskstop/pid" ] && break; sleep 0.1; done
kill -INT "$runner"
finish "$runner"
if [ "$status" = 130 ] && ! kill -0 "$(cat "$work/daskstop/pid")" 2>/dev/null \
  && [ "$(event daskstop long signal)" = 15 ]
then pass "dask: ctrl-c stops the running command"; else fail "dask ctrl-c (status $status)"; fi

mkdir -p "$work/nodask"
echo 'raise ImportError("distributed is hidden for this test")' >"$work/nodask/distributed.py"
PYTHONPATH="$work/nodask" run daskdiamond
if [ "$status" = 69 ] && grep -q "pip install 'dask\[distributed\]'" "$work/daskdiamond/stderr"
then pass "dask: without the distributed package, exit 69 naming what to install"
else fail "dask without distributed (status $status)"; fi

set +e
"$bin/flow-parse" "$work/daskdiamond/workflow.yaml" >"$work/daskdiamond/document.json"
PATH=/nonexistent "$bin/flow-exec" --executor dask "$work/daskdiamond/document.json" \
  >/dev/null 2>"$work/daskdiamond/stderr"
status=$?
set -e
if [ "$status" = 69 ] && grep -q "needs python3" "$work/daskdiamond/stderr"
then pass "dask: without python3, exit 69 naming what to install"
else fail "dask without python3 (status $status)"; fi

# A Dask stage whose worker dies under it (the stage kills its worker's process; the
# scheduler allows no other try, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0 in
# dask-localcluster.sh) is `lost`, tried again on the worker its nanny starts anew.
workflow dasklost <<'YAML'
stages:
  - {name: shaky, type: BashOperator, kwargs: {bash_command: 'echo x >> tries; if [ "$(wc -l < tries)" = 1 ]; then kill -KILL $PPID; sleep 60; fi'}, retry: {attempts: 2, on: [lost]}}
YAML
run dasklost
if [ "$status" = 0 ] && [ "$(wc -l <"$work/dasklost/tries")" = 2 ] \
  && [ "$(jq -r 'select(.type == "stage-retry") | .data.failure' "$work/dasklost/events.jsonl")" = lost ] \
  && [ "$(event dasklost shaky outcome)" = succeeded ] \
  && [ "$(jq -r 'select(.type == "stage-end") | .data.earlier_attempts[0].failure' "$work/dasklost/events.jsonl")" = lost ]
then pass "dask: a stage whose worker was lost is classified lost and tried again"
else fail "dask worker lost (status $status)"; fi

# Whole-dump environment parity: one stage as a process and one in podman, each printing
# `env | sort` (the process then calling a package's alias; two variables set under tests
# of a path), run locally, on Slurm and on Dask. The base everywhere is the machine's own
# environment: a Slurm node's under --export=NONE (taken from a plain job), and the local
# run and the Dask worker are started in that same environment; Slurm and Dask runs are
# submitted from a polluted shell with SBATCH_EXPORT=NONE. The dumps of each kind are
# compared whole but for the allow-list in flow-exec(1), "Environment parity".
allowed='^(SLURM_[A-Z0-9_]*|SLURMD_NODENAME|ENVIRONMENT|HOSTNAME|FLOW_RUN_TOKEN|PWD|OLDPWD|SHLVL|_)='
"$here/podman-setup.sh" >/dev/null
mkdir -p "$work/parity2"
sbatch --parsable --export=NONE --output="$work/parity2/node.env" --wrap "env -0" >/dev/null
wait_for test -s "$work/parity2/node.env" || echo "the node's environment never came" >&2
wait_for queue_empty || true
node_env=()
while IFS= read -r -d '' entry; do
  [[ "$entry" =~ $allowed ]] || node_env+=("$entry")
done <"$work/parity2/node.env"
workflow parity2 <<'YAML'
stages:
  - name: proc
    type: BashOperator
    kwargs: {bash_command: 'env | sort > proc.txt; tool "a b" >> proc.txt'}
    environment: {variables: {MODE: fast}}
  - name: box
    type: BashOperator
    kwargs: {bash_command: 'env | sort > box.txt'}
    environment: {variables: {MODE: fast}, image: "localhost/flow-test:1"}
YAML
node_home=""
for entry in "${node_env[@]}"; do
  if [[ "$entry" == HOME=* ]]; then node_home=${entry#HOME=}; fi
done
# A test of the node's own value (rez's os.environ.get('HOME') == '...'), that holds there.
"$bin/flow-parse" "$work/parity2/workflow.yaml" | jq -c --arg home "$node_home" '.stages[].resolution = {actions: [
  {action: "set", variable: "TOOL_HOME", value: "/opt/tool", package: "tool"},
  {action: "set", variable: "TOOL_AT_HOME", value: "yes", package: "tool",
   when: ("(os.environ.get(\u0027HOME\u0027) == \u0027" + $home + "\u0027)")},
  {action: "set", variable: "TOOL_ODD", value: "yes", package: "tool",
   when: "(os.environ.get(\u0027HOME\u0027) == \u0027-n\u0027)"},
  {action: "prepend", variable: "PATH", value: "$TOOL_HOME/bin", package: "tool"},
  {action: "alias", variable: "tool", value: "echo \"tool: $TOOL_HOME\"", package: "tool"},
  {action: "set", variable: "TOOL_DIR", value: "yes", package: "tool", when: "os.path.isdir(\u0027/\u0027)"},
  {action: "set", variable: "TOOL_ODD", value: "yes", package: "tool", when: "os.path.isfile(\u0027/\u0027)"},
  {action: "stop", variable: "", value: "not here", package: "tool", when: "os.path.isfile(\u0027/\u0027)"}]}' \
  >"$work/parity2/document.json"
# Dask's worker, started anew in the node's environment.
"$here/dask-localcluster.sh" stop
# python3 as itself: a wrapper such as pyenv's shim adds variables to the worker's.
eval "$(env -i "${node_env[@]}" DASK_TEST_DIR="$DASK_TEST_DIR" \
  DASK_TEST_PYTHON="$(python3 -c 'import sys; print(sys.executable)')" \
  "$here/dask-localcluster.sh" start)"
parity_status=""
for where in local slurm dask; do
  set +e
  if [ "$where" = local ]; then
    (cd "$work/parity2" && env -i "${node_env[@]}" "$bin/flow-exec" --executor local \
      --engine podman document.json) >"$work/parity2/events-$where.jsonl" 2>>"$work/parity2/stderr"
  else
    (cd "$work/parity2" && POLLUTED=yes PATH="/polluted/bin:$PATH" SBATCH_EXPORT=NONE \
      "$bin/flow-exec" --executor "$where" --engine podman document.json) \
      >"$work/parity2/events-$where.jsonl" 2>>"$work/parity2/stderr"
  fi
  parity_status+="$where:$? "
  set -e
  for kind in proc box; do
    grep -vE "$allowed" "$work/parity2/$kind.txt" >"$work/parity2/$kind-$where.txt" 2>/dev/null || true
    rm -f "$work/parity2/$kind.txt"
  done
done
parity_diff=$(for kind in proc box; do for where in slurm dask; do
  diff "$work/parity2/$kind-local.txt" "$work/parity2/$kind-$where.txt" | sed "s/^/$kind-$where: /"
done; done)
if [ "$parity_status" = "local:0 slurm:0 dask:0 " ] && [ -z "$parity_diff" ] \
  && [ -s "$work/parity2/proc-local.txt" ] && [ -s "$work/parity2/box-local.txt" ] \
  && grep -q '^PATH=/opt/tool/bin:' "$work/parity2/proc-dask.txt" \
  && grep -qx 'tool: /opt/tool a b' "$work/parity2/proc-slurm.txt" \
  && grep -qx 'tool: /opt/tool a b' "$work/parity2/proc-dask.txt" \
  && grep -qx 'TOOL_DIR=yes' "$work/parity2/proc-slurm.txt" \
  && grep -qx 'TOOL_DIR=yes' "$work/parity2/proc-dask.txt" \
  && grep -qx 'TOOL_AT_HOME=yes' "$work/parity2/proc-slurm.txt" \
  && grep -qx 'TOOL_AT_HOME=yes' "$work/parity2/proc-dask.txt" \
  && ! grep -q 'TOOL_ODD' "$work/parity2"/*.txt \
  && ! grep -q 'POLLUTED\|/polluted/' "$work/parity2"/*-slurm.txt "$work/parity2"/*-dask.txt
then pass "the same whole environment locally, in podman, on slurm and on dask"
else fail "whole-dump parity ($parity_status): $parity_diff $(cat "$work/parity2/stderr")"; fi

# A package's stop whose test holds on the node (rez's stop() under a path test) ends the
# stage there before its command: status 1, its message in the stage's log.
workflow nodestop <<'YAML'
stages:
  - {name: guarded, type: BashOperator, kwargs: {bash_command: "touch ran"}}
YAML
"$bin/flow-parse" "$work/nodestop/workflow.yaml" | jq -c '.stages[].resolution = {actions: [
  {action: "stop", variable: "", value: "tool is not installed here", package: "tool",
   when: "os.path.isdir(\u0027/\u0027)"}]}' >"$work/nodestop/document.json"
stop_result=""
for where in slurm dask; do
  set +e
  (cd "$work/nodestop" && "$bin/flow-exec" --no-cache --executor "$where" document.json) \
    >"$work/nodestop/events.jsonl" 2>>"$work/nodestop/stderr"
  stop_result+="$where:$?:$(event nodestop guarded status):"
  stop_result+="$(cat "$work/nodestop/.flow/runs/latest/logs/guarded.log" 2>/dev/null) "
  set -e
done
stop_said="package tool stops: tool is not installed here"
if [ "$stop_result" = "slurm:1:1:$stop_said dask:1:1:$stop_said " ] && [ ! -e "$work/nodestop/ran" ]
then pass "a package's stop that holds on the node ends the stage on slurm and on dask"
else fail "node stop: $stop_result $(cat "$work/nodestop/stderr")"; fi
"$here/dask-localcluster.sh" stop
eval "$("$here/dask-localcluster.sh" start)"

# Without a scheduler, Dask stages run on a local Dask cluster started for the run; Ctrl-C
# stops the running command, and the cluster (inside the bridge) is gone with it.
workflow localdask <<'YAML'
stages:
  - {name: pre, type: BashOperator, kwargs: {bash_command: "true"}}
  - {name: long, type: BashOperator, kwargs: {bash_command: "echo $$ > pid; echo $PPID > worker; exec sleep 300"}, needs: [pre], environment: {executor: dask}}
YAML
"$bin/flow-parse" "$work/localdask/workflow.yaml" >"$work/localdask/document.json"
env -u DASK_SCHEDULER_ADDRESS "$bin/flow-exec" "$work/localdask/document.json" \
  >"$work/localdask/events.jsonl" 2>"$work/localdask/stderr" &
runner=$!
wait_for test -s "$work/localdask/pid" || echo "the dask stage never started" >&2
kill -INT "$runner"
finish "$runner"
if [ "$status" = 130 ] && ! kill -0 "$(cat "$work/localdask/pid")" 2>/dev/null \
  && ! kill -0 "$(cat "$work/localdask/worker")" 2>/dev/null \
  && grep -q "local Dask cluster closed" "$work/localdask/.flow/runs/latest/logs/dask-bridge.log"
then pass "dask without a scheduler: a local cluster for the run, ctrl-c leaves nothing of it"
else fail "local dask cluster and ctrl-c (status $status)"; fi

# One run, four executors' worth of stages: local -> Slurm -> Slurm -> Dask -> local, each
# reading what the one before wrote. The second Slurm job is submitted while the first is
# still queued or running (afterok on the cluster), the Dask stage once both succeeded.
# mixed NAME [flow-exec options]: runs NAME's workflow with no --executor.
mixed() {
  local name=$1; shift
  set +e
  "$bin/flow-parse" "$work/$name/workflow.yaml" \
    | "$bin/flow-exec" "$@" >"$work/$name/events.jsonl" 2>"$work/$name/stderr"
  status=$?
  set -e
}
workflow mixed <<'YAML'
stages:
  - {name: pre, type: BashOperator, kwargs: {bash_command: "echo pre > chain.txt"}}
  - {name: train, type: BashOperator, kwargs: {bash_command: "sleep 1; echo train >> chain.txt"}, needs: [pre], environment: {executor: slurm}}
  - {name: score, type: BashOperator, kwargs: {bash_command: "echo score >> chain.txt"}, needs: [train], environment: {executor: slurm}}
  - {name: plot, type: BashOperator, kwargs: {bash_command: "echo plot >> chain.txt"}, needs: [score], environment: {executor: dask}}
  - {name: post, type: BashOperator, kwargs: {bash_command: "echo post >> chain.txt"}, needs: [plot]}
YAML
mixed mixed
stage_time() { jq -r "select(.type == \"$2\" and .data.stage == \"$3\") | .data.time" "$work/$1/events.jsonl"; }
if [ "$status" = 0 ] && [ "$(tr '\n' ' ' <"$work/mixed/chain.txt")" = "pre train score plot post " ] \
  && [ "$(jq -s '[.[] | select(.type == "summary")] | length' "$work/mixed/events.jsonl")" = 1 ] \
  && submitted_ids mixed | head -2 | grep -qx '[0-9]*' \
  && submitted_ids mixed | tail -1 | grep -q '^flow-plot-' \
  && awk "BEGIN { exit !($(stage_time mixed stage-submit score) < $(stage_time mixed stage-end train)) }" \
  && queue_empty
then pass "local, slurm, dask and local stages with cross-executor needs in one run"
else fail "mixed executors (status $status)"; fi

# A run that mixes executors is cached as one on a single executor: the second run submits
# nothing to Slurm or Dask and starts nothing here. --rerun score submits score alone: the
# stages after it, on Dask and here, declare no files, so its rerun changes no key of theirs.
mixed mixed
again_submits=$(count mixed '.type == "stage-submit"')
again_starts=$(count mixed '.type == "stage-start"')
again_cached=$(count mixed '.type == "stage-end" and .data.outcome == "cached"')
again_status=$status
mixed mixed --rerun score
rerun_submitted=$(jq -r 'select(.type == "stage-submit") | .data.stage' "$work/mixed/events.jsonl" | tr '\n' ' ')
if [ "$again_status" = 0 ] && [ "$again_submits" = 0 ] && [ "$again_starts" = 0 ] \
  && [ "$again_cached" = 5 ] && [ "$status" = 0 ] && [ "$rerun_submitted" = "score " ] \
  && [ "$(count mixed '.type == "stage-end" and .data.outcome == "cached"')" = 4 ] \
  && [ "$(tr '\n' ' ' <"$work/mixed/chain.txt")" = "pre train score plot post score " ]
then pass "a mixed run twice: the second submits and runs nothing; --rerun score submits it alone"
else fail "mixed cache (status $again_status/$status, again $again_submits/$again_starts/$again_cached, rerun '$rerun_submitted')"; fi

# Ctrl-C while the Slurm stage of a mixed run runs: its job is cancelled, the Dask and
# local stages after it never start, one summary, status 130.
workflow mixedstop <<'YAML'
stages:
  - {name: pre, type: BashOperator, kwargs: {bash_command: "true"}}
  - {name: long, type: BashOperator, kwargs: {bash_command: "sleep 300"}, needs: [pre], environment: {executor: slurm}}
  - {name: plot, type: BashOperator, kwargs: {bash_command: "touch plotted"}, needs: [long], environment: {executor: dask}}
  - {name: post, type: BashOperator, kwargs: {bash_command: "touch posted"}, needs: [plot]}
YAML
"$bin/flow-parse" "$work/mixedstop/workflow.yaml" >"$work/mixedstop/document.json"
"$bin/flow-exec" "$work/mixedstop/document.json" >"$work/mixedstop/events.jsonl" \
  2>"$work/mixedstop/stderr" &
runner=$!
wait_for eval '[ "$(squeue --noheader --state=RUNNING --format=%i | wc -l)" = 1 ]' \
  || echo "the slurm stage never ran" >&2
kill -INT "$runner"
finish "$runner"
# shellcheck disable=SC2046
if [ "$status" = 130 ] && queue_empty && all_cancelled $(submitted_ids mixedstop) \
  && [ "$(event mixedstop plot outcome)" = skipped ] && [ "$(event mixedstop post outcome)" = skipped ] \
  && [ ! -e "$work/mixedstop/plotted" ] && [ ! -e "$work/mixedstop/posted" ] \
  && [ "$(jq -s '[.[] | select(.type == "summary")] | length' "$work/mixedstop/events.jsonl")" = 1 ]
then pass "ctrl-c in a mixed run cancels its slurm job and starts nothing more"
else fail "ctrl-c in a mixed run (status $status)"; fi

# The executors' backends run at the same time: the local stage waits (at most 60 s) for
# the file a Slurm job with no relation to it writes, and fails if they ran one after the
# other. The local stage after that job starts once it succeeded.
workflow overlap <<'YAML'
stages:
  - {name: wait, type: BashOperator, kwargs: {bash_command: "for i in $(seq 600); do [ -e slurm.txt ] && exit 0; sleep 0.1; done; exit 1"}}
  - {name: remote, type: BashOperator, kwargs: {bash_command: "echo slurm > slurm.txt"}, environment: {executor: slurm}}
  - {name: after, type: BashOperator, kwargs: {bash_command: "cat slurm.txt > after.txt"}, needs: [remote]}
YAML
mixed overlap
if [ "$status" = 0 ] && [ "$(event overlap wait outcome)" = succeeded ] \
  && [ "$(cat "$work/overlap/after.txt" 2>/dev/null)" = slurm ] && queue_empty
then pass "a local stage and an unrelated slurm stage run at the same time"
else fail "local and slurm at the same time (status $status)"; fi

# Without --keep-going a failure on one executor stops new starts on the others: the local
# stage fails while the first Slurm job runs; that job ends only once flow-exec printed the
# failure, and the job queued after it (afterok) is cancelled, never run.
workflow failstop <<'YAML'
stages:
  - {name: bad, type: BashOperator, kwargs: {bash_command: "for i in $(seq 600); do [ -e started ] && break; sleep 0.1; done; exit 4"}}
  - {name: first, type: BashOperator, kwargs: {bash_command: "touch started; for i in $(seq 600); do grep -q 'stage-end\",\"data\":{\"stage\":\"bad\"' events.jsonl && break; sleep 0.1; done"}, environment: {executor: slurm}}
  - {name: second, type: BashOperator, kwargs: {bash_command: "touch second"}, needs: [first], environment: {executor: slurm}}
YAML
mixed failstop
if [ "$status" = 4 ] && [ "$(event failstop first outcome)" = succeeded ] \
  && [ "$(event failstop second outcome)" = skipped ] && [ ! -e "$work/failstop/second" ] && queue_empty
then pass "a local failure stops new slurm starts: the queued job is cancelled"
else fail "a failure across executors (status $status)"; fi

# local -> Slurm -> Dask -> a local container (podman, the image the container tests use),
# each reading what the one before wrote, in one invocation.
image=localhost/flow-test:1
"$here/podman-setup.sh" >/dev/null 2>&1 || echo "podman-setup.sh failed" >&2
# flow_containers STAGE: the containers left of this run's stage STAGE (flow-RUN-STAGE).
flow_containers() { podman ps -a --noheading --format '{{.Names}}' | grep -c -- "^flow-.*-$1\$" || true; }
workflow fourway <<YAML
stages:
  - {name: pre, type: BashOperator, kwargs: {bash_command: "echo pre > chain.txt"}}
  - {name: train, type: BashOperator, kwargs: {bash_command: "echo train >> chain.txt"}, needs: [pre], environment: {executor: slurm}}
  - {name: plot, type: BashOperator, kwargs: {bash_command: "echo plot >> chain.txt"}, needs: [train], environment: {executor: dask}}
  - {name: fourwaybox, type: BashOperator, kwargs: {bash_command: "cat chain.txt > boxed.txt; echo boxed >> boxed.txt"}, needs: [plot], environment: {image: $image}}
YAML
mixed fourway
if [ "$status" = 0 ] && [ "$(tr '\n' ' ' <"$work/fourway/boxed.txt")" = "pre train plot boxed " ] \
  && queue_empty && [ "$(flow_containers fourwaybox)" = 0 ]
then pass "local, slurm, dask and local-container stages with cross-executor needs in one run"
else fail "local, slurm, dask and a local container (status $status)"; fi

# Ctrl-C while a local container, a Slurm job and a Dask task run at once: one owner of the
# signals stops them all; no process, container, Slurm job or Dask task is left.
dask_tasks() {
  python3 -c 'import sys; from distributed import Client
c = Client(sys.argv[1], timeout=10)
print(len(c.run_on_scheduler(lambda dask_scheduler: dask_scheduler.tasks)))' "$DASK_SCHEDULER_ADDRESS"
}
# The scheduler forgets a stopped run's tasks once its client is gone: give it ten looks.
no_dask_tasks() {
  for _ in $(seq 10); do [ "$(dask_tasks)" = 0 ] && return 0; sleep 1; done; return 1
}
workflow mixedstop2 <<YAML
stages:
  - {name: stopbox, type: BashOperator, kwargs: {bash_command: "echo started > boxed.txt; sleep 300"}, environment: {image: $image}}
  - {name: long, type: BashOperator, kwargs: {bash_command: "sleep 300"}, environment: {executor: slurm}}
  - {name: there, type: BashOperator, kwargs: {bash_command: "echo \$\$ > there.pid; exec sleep 300"}, environment: {executor: dask}}
  - {name: after, type: BashOperator, kwargs: {bash_command: "touch after"}, needs: [long]}
YAML
"$bin/flow-parse" "$work/mixedstop2/workflow.yaml" >"$work/mixedstop2/document.json"
"$bin/flow-exec" --grace 2 "$work/mixedstop2/document.json" >"$work/mixedstop2/events.jsonl" \
  2>"$work/mixedstop2/stderr" &
runner=$!
wait_for eval '[ -s "$work/mixedstop2/boxed.txt" ] && [ -s "$work/mixedstop2/there.pid" ] &&
  [ "$(squeue --noheader --state=RUNNING --format=%i | wc -l)" = 1 ]' \
  || echo "the mixed stages never all ran" >&2
kill -INT "$runner"
finish "$runner"
# shellcheck disable=SC2046
if [ "$status" = 130 ] && queue_empty && all_cancelled $(submitted_ids mixedstop2 | grep -x '[0-9]*') \
  && ! kill -0 "$(cat "$work/mixedstop2/there.pid")" 2>/dev/null \
  && no_dask_tasks && [ "$(flow_containers stopbox)" = 0 ] \
  && [ -z "$(pgrep -f "$work/mixedstop2" || true)" ] \
  && [ "$(event mixedstop2 after outcome)" = skipped ] && [ ! -e "$work/mixedstop2/after" ] \
  && [ "$(jq -s '[.[] | select(.type == "stop")] | length' "$work/mixedstop2/events.jsonl")" = 1 ] \
  && [ "$(jq -s '[.[] | select(.type == "summary")] | length' "$work/mixedstop2/events.jsonl")" = 1 ]
then pass "ctrl-c in a run of a local container, a slurm job and a dask task leaves nothing"
else fail "ctrl-c across local container, slurm and dask (status $status, containers $(flow_containers stopbox), dask tasks $(dask_tasks))"; fi

# A SIGKILLed flow-exec cannot cancel its jobs: the next run (same user, same run records)
# cancels the jobs it recorded, and only those.
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$XDG_RUNTIME_DIR"
workflow killed <<'YAML'
stages:
  - {name: orphan, type: BashOperator, kwargs: {bash_command: "sleep 300"}}
YAML
"$bin/flow-parse" "$work/killed/workflow.yaml" >"$work/killed/document.json"
"$bin/flow-exec" --executor slurm "$work/killed/document.json" >"$work/killed/events.jsonl" \
  2>"$work/killed/stderr" &
runner=$!
wait_for jobs_in_queue || echo "the job was never queued" >&2
orphan=$(squeue --noheader --format=%i)
# The job is in the run's record before flow-exec is killed (sbatch returns first).
# (A function, so that the glob is expanded at each look, not once before the first.)
job_recorded() { grep -qs '"slurm_job"' "$XDG_RUNTIME_DIR"/flow/runs/*; }
wait_for job_recorded || echo "the job was never recorded" >&2
# Another job of this user with the same name, which no run recorded.
other=$(sbatch --parsable --job-name=orphan --output=/dev/null --wrap "sleep 300")
kill -KILL "$runner"
set +e; wait "$runner"; set -e
workflow sweep <<'YAML'
stages:
  - {name: next, type: BashOperator, kwargs: {bash_command: "true"}}
YAML
mixed sweep
if [ "$status" = 0 ] && [ -n "$orphan" ] && all_cancelled "$orphan" \
  && squeue --noheader --format=%i | grep -qx "$other" \
  && grep -q "1 slurm job left running by an earlier run" "$work/sweep/stderr"
then pass "the next run cancels the slurm job of a SIGKILLed flow-exec, and no other"
else fail "sweep of a killed run's jobs (status $status, job '$orphan')"; fi
scancel "$other"
unset XDG_RUNTIME_DIR

[ "$failures" = 0 ] || { echo "$failures cluster test(s) failed" >&2; exit 1; }
