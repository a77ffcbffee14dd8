#!/bin/bash
# bench/cache: reruns on a generated DAG (bench/cache/generate.py), flow-exec's stage
# cache against ninja, GNU make and Snakemake on the same stages: a full run, a no-op
# rerun, a rerun after touching the first source file (its time only), and after
# changing it (one block of up to 1,000 stages downstream). Prints a table of seconds.
# Tools that are not installed are left out (scripts/deps.sh bench installs them).
# Usage: bench/cache/run.sh [STAGES...]   (default 100 1000 10000). Never fails for being slow.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-100 1000 10000}")
read -r -a sizes <<<"${sizes[*]}"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
swift build -c release --product flow-exec >/dev/null
flow=$PWD/.build/release/flow-exec
jobs=$(nproc)

# Seconds of wall time of one run of a shell command in a folder; "-" when it failed.
measure() {
  python3 - "$1" "$2" <<'PY'
import subprocess, sys, time
folder, command = sys.argv[1], sys.argv[2]
start = time.perf_counter()
done = subprocess.run(["bash", "-c", command], cwd=folder, stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL)
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
    # A later time than any output, as an editor's save without a change gives.
    touch -d '+1 minute' "$folder/in/s0.txt"
    touched=$(measure "$folder" "$command")
    echo "changed" >>"$folder/in/s0.txt"
    touch -d '+2 minutes' "$folder/in/s0.txt"
    changed=$(measure "$folder" "$command")
    rows+=("$stages $tool $full $noop $touched $changed")
  done
  rm -rf "${data:?}/$stages"
done

python3 - "${rows[@]}" <<'PY'
import sys
print(f"{'stages':>7}  {'tool':<10} {'full':>9} {'no-op':>9} {'touched':>9} {'changed':>9}  no-op vs ninja")
rows = [row.split() for row in sys.argv[1:]]
ninja = {row[0]: row[3] for row in rows if row[1] == "ninja"}
for stages, tool, full, noop, touched, changed in rows:
    ratio = ""
    if tool == "flow" and ninja.get(stages, "-") not in ("-", "0.000") and noop != "-":
        ratio = f"{float(noop) / float(ninja[stages]):.1f}x"
    print(f"{stages:>7}  {tool:<10} {full:>9} {noop:>9} {touched:>9} {changed:>9}  {ratio}")
PY
