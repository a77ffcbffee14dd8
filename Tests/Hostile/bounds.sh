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
# $scratch/out and $scratch/err, killed after SECONDS; passes when it exits with one
# of STATUSES (comma-separated) and its peak resident memory stayed under MEGABYTES.
bounded() {
  local name=$1 seconds=$2 megabytes=$3 statuses=$4
  shift 4
  cases=$((cases + 1))
  local status=0
  timeout --kill-after=5 "$seconds" /usr/bin/time -f '%e %M' -o "$scratch/rss" "$@" \
    >"$scratch/out" 2>"$scratch/err" || status=$?
  local kilobytes elapsed
  kilobytes=$(tail -1 "$scratch/rss" 2>/dev/null | grep -oE ' [0-9]+$' | tr -d ' ' || true)
  elapsed=$(tail -1 "$scratch/rss" 2>/dev/null | grep -oE '^[0-9.]+ ' | tr -d ' ' || true)
  kilobytes=${kilobytes:-0}
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    fail "$name: still running after ${seconds}s"
  elif [[ ",$statuses," != *",$status,"* ]]; then
    fail "$name: exit status $status, expected $statuses; stderr: $(head -c 400 "$scratch/err")"
  elif [ "$kilobytes" -gt $((megabytes * 1024)) ]; then
    fail "$name: peak memory $((kilobytes / 1024)) MB, bound $megabytes MB"
  else
    echo "ok   $name (${elapsed:-?} s, $((kilobytes / 1024)) MB)"
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
