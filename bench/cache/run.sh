#!/bin/bash
# bench/cache: reruns on a generated DAG (bench/cache/generate.py), flow-exec's stage
# cache against ninja, GNU make and Snakemake on the same stages: a full run, a no-op
# rerun, a rerun after touching the first source file (its time only), and after
# changing it (one block of up to 1,000 stages downstream). Prints a table of seconds.
# Tools that are not installed are left out (scripts/deps.sh bench installs them).
# Usage: bench/cache/run.sh [STAGES...]   (default 100 1000 10000). Never fails for being
# slow: a command past BENCH_LIMIT seconds (default 1800) is stopped and shown as "slow".
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-100 1000 10000}")
read -r -a sizes <<<"${sizes[*]}"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
flow=$(bench/installed.sh)/flow-exec
jobs=$(nproc)

# Each command may run this long (seconds) before it counts as "slow" (BENCH_LIMIT).
limit=${BENCH_LIMIT:-1800}

# Seconds of wall time of one run of a shell command in a folder; "-" when it failed,
# "slow" when it ran past the limit. No file a command writes may pass 64 MiB (ulimit -f;
# flow-exec's cache log of 10,000 stages holds about 9 MB),
# so a stage whose output grew without bound fails instead of filling the disk.
measure() {
  python3 - "$1" "$2" "$limit" <<'PY'
import subprocess, sys, time
folder, command, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
start = time.perf_counter()
try:
    done = subprocess.run(["bash", "-c", "ulimit -f 65536 && " + command], cwd=folder,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=limit)
except subprocess.TimeoutExpired:
    print("slow")
    sys.exit()
print(f"{time.perf_counter() - start:.3f}" if done.returncode == 0 else "-")
PY
}

declare -A commands=(
  [flow]="$flow -j $jobs workflow.yaml"
  [ninja]="ninja -j $jobs"
  [make]="make -s -j $jobs"
  [snakemake]="snakemake --cores $jobs --quiet all"
)
tools=(flow)
command -v ninja >/dev/null && tools+=(ninja)
command -v make >/dev/null && tools+=(make)
command -v snakemake >/dev/null && tools+=(snakemake)

rows=()
for stages in "${sizes[@]}"; do
  python3 bench/cache/generate.py "$stages" "$data/$stages"
  for tool in "${tools[@]}"; do
    folder=$data/$stages/$tool
    command=${commands[$tool]}
    full=$(measure "$folder" "$command")
    noop=$(measure "$folder" "$command")
    # The present time, later than any output's, as an editor's save without a change
    # gives. Not a time in the future: Snakemake refuses an output older than its input
    # once written ("clock skew"), and fails the run.
    sleep 0.1
    touch "$folder/in/s0.txt"
    touched=$(measure "$folder" "$command")
    sleep 0.1
    echo "changed" >>"$folder/in/s0.txt"
    changed=$(measure "$folder" "$command")
    rows+=("$stages $tool $full $noop $touched $changed")
  done
  rm -rf "${data:?}/$stages"
done

python3 - "${rows[@]}" <<'PY'
import sys


def ratio(flow, ninja):
    """flow's seconds over ninja's, or nothing when either did not finish."""
    try:
        return f"{float(flow) / float(ninja):.1f}x" if float(ninja) > 0 else ""
    except ValueError:
        return ""


print(f"{'stages':>7}  {'tool':<10} {'full':>9} {'no-op':>9} {'touched':>9} {'changed':>9}"
      "  no-op / changed vs ninja")
rows = [row.split() for row in sys.argv[1:]]
ninja = {row[0]: row for row in rows if row[1] == "ninja"}
for stages, tool, full, noop, touched, changed in rows:
    versus = ""
    if tool == "flow" and stages in ninja:
        versus = f"{ratio(noop, ninja[stages][3])} / {ratio(changed, ninja[stages][5])}"
    print(f"{stages:>7}  {tool:<10} {full:>9} {noop:>9} {touched:>9} {changed:>9}  {versus}")
PY
