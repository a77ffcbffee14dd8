#!/bin/bash
# bench/parse: flow-parse against PyYAML's C loader plus json.dumps, and against a
# loop that only pulls libyaml's events (the floor), on one generated workflow.
# Usage: bench/parse/run.sh [STAGES]   (default 10000). Never fails for being slow.
set -euo pipefail
cd "$(dirname "$0")/../.."
stages=${1:-10000}
data=bench/data/parse
mkdir -p "$data"
python3 bench/parse/generate.py "$stages" "$data"
python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null || { echo "bench/parse: PyYAML with its C loader is needed (pip install pyyaml)" >&2; exit 69; }
cc -O2 -o "$data/events" bench/parse/events.c $(pkg-config --cflags --libs yaml-0.1)
# flow-parse as `make install` installs it (the one static binary under the tool's name).
flow=$(bench/installed.sh)/flow-parse
size=$(du -h "$data/workflow.yaml" | cut -f1)
echo "workflow: $stages stages, $size"
"$flow" "$data/workflow.yaml" > "$data/flow.json"

# Median wall time of N runs, in milliseconds.
measure() {
  local runs=$1; shift
  python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); command = sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}
# The floor and flow-parse are timed in rounds, each once a round, in turn (forward, then
# backward), so that whatever the machine does over the run falls on both alike.
# CPU time is reported beside wall time: flow-parse reads a large workflow's stage list in
# two parts at once, on two CPUs where the machine has them.
read -r floor flow_ms floor_cpu flow_cpu < <(python3 - 11 "$data/events" "$flow" "$data/workflow.yaml" <<'PY'
import os, statistics, sys, time
rounds, floor, flow, workflow = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
devnull = os.open(os.devnull, os.O_WRONLY)
def spawn(program):
    start = time.perf_counter()
    pid = os.posix_spawn(program, [program, workflow], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench/parse: {program} failed")
    return (time.perf_counter() - start) * 1000, (usage.ru_utime + usage.ru_stime) * 1000
times = {floor: [], flow: []}
cpu = {floor: [], flow: []}
for turn in range(rounds):
    for program in ([floor, flow] if turn % 2 == 0 else [flow, floor]):
        wall, used = spawn(program)
        times[program].append(wall)
        cpu[program].append(used)
print(f"{statistics.median(times[floor]):.1f} {statistics.median(times[flow]):.1f} "
      f"{statistics.median(cpu[floor]):.1f} {statistics.median(cpu[flow]):.1f}")
PY
)
pyyaml=$(measure 5 python3 bench/parse/pyyaml.py "$data/workflow.yaml")
python3 - "$floor" "$flow_ms" "$pyyaml" "$floor_cpu" "$flow_cpu" <<'PY'
import sys
floor, flow, pyyaml, floor_cpu, flow_cpu = map(float, sys.argv[1:])
print(f"{'program':<34}{'median ms':>10}{'vs flow-parse':>15}")
print(f"{'libyaml events only (floor)':<34}{floor:>10.1f}{floor / flow:>14.2f}x")
print(f"{'flow-parse':<34}{flow:>10.1f}{1:>14.2f}x")
print(f"{'PyYAML CSafeLoader + json.dumps':<34}{pyyaml:>10.1f}{pyyaml / flow:>14.2f}x")
print(f"flow-parse is {pyyaml / flow:.1f}x faster than PyYAML-C (goal >= 5) and "
      f"{flow / floor:.2f}x the floor (goal <= 2)")
print(f"CPU time (median): floor {floor_cpu:.1f} ms, flow-parse {flow_cpu:.1f} ms: "
      f"{flow_cpu / floor_cpu:.2f}x the floor")
PY

# Instruction counts repeat where wall times on a shared machine do not: the ratio to the
# floor under callgrind, when valgrind is installed.
if command -v valgrind >/dev/null; then
  floor_instructions=$(sh bench/instructions.sh "$data/events" "$data/workflow.yaml")
  flow_instructions=$(sh bench/instructions.sh "$flow" "$data/workflow.yaml")
  python3 - "$floor_instructions" "$flow_instructions" <<'PY'
import sys
floor, flow = map(int, sys.argv[1:])
print(f"instructions (callgrind): floor {floor:,}, flow-parse {flow:,}: "
      f"{flow / floor:.2f}x the floor (goal <= 2)")
PY
fi
