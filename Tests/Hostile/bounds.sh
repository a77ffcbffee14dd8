# Shared by the hostile-input and fault suites: running a tool under a time and
# memory bound and checking what it did. Sourced, not run.

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${FLOW_BIN:-$root/.build/debug}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/flow-hostile.XXXXXX")
failures=0
cases=0
trap 'rm -rf "$scratch"' EXIT

# bounded NAME SECONDS MEGABYTES STATUSES COMMAND...
# Runs COMMAND (stdin from the caller) with its stdout and stderr kept in
# $scratch/out and $scratch/err. Passes when it exits with one of STATUSES
# (comma-separated), used at most SECONDS of processor time (user and system: the
# machine may be busy with other work, so wall time says little) and its peak resident
# memory stayed under MEGABYTES. A run still going after 10 times SECONDS and a minute of
# wall time is killed as hung.
bounded() {
  local name=$1 seconds=$2 megabytes=$3 statuses=$4
  shift 4
  cases=$((cases + 1))
  local status=0
  timeout --kill-after=5 $((seconds * 10 + 60)) /usr/bin/time -f '%U %S %M' -o "$scratch/usage" "$@" \
    >"$scratch/out" 2>"$scratch/err" || status=$?
  local user=0 system=0 kilobytes=0
  read -r user system kilobytes < <(grep -E '^[0-9.]+ [0-9.]+ [0-9]+$' "$scratch/usage" || echo 0 0 0)
  local cpu
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    fail "$name: still running after $((seconds * 10 + 60))s"
  elif [[ ",$statuses," != *",$status,"* ]]; then
    fail "$name: exit status $status, expected $statuses; stderr: $(head -c 400 "$scratch/err")"
  elif awk -v c="$cpu" -v b="$seconds" 'BEGIN { exit !(c > b) }'; then
    fail "$name: ${cpu}s of processor time, bound ${seconds}s"
  elif [ "$kilobytes" -gt $((megabytes * 1024)) ]; then
    fail "$name: peak memory $((kilobytes / 1024)) MB, bound $megabytes MB"
  else
    echo "ok   $name (${cpu} s, $((kilobytes / 1024)) MB)"
  fi
}

fail() {
  failures=$((failures + 1))
  echo "FAIL $*" >&2
}

# expect NAME CONDITION...: a check on the last run's output.
expect() {
  local name=$1
  shift
  cases=$((cases + 1))
  if "$@"; then echo "ok   $name"; else fail "$name"; fi
}

stderr_has() { grep -qF -- "$1" "$scratch/err"; }
stdout_has() { grep -qF -- "$1" "$scratch/out"; }
stderr_empty() { [ ! -s "$scratch/err" ]; }
no_file() { [ ! -e "$1" ]; }

finish() {
  echo "$(basename "$0"): $cases checks, $failures failed"
  [ "$failures" -eq 0 ]
}
