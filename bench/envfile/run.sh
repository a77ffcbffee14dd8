#!/bin/sh
# Times, in one run, reading a generated 100,000-line .env file (a tenth of the lines
# use ${...} expansion) by:
#   wc -l                                   the floor: reading the file at all
#   flow-envfile (as installed)             whole process, JSON to /dev/null
#   flow-envfile --no-expand                whole process
#   python-dotenv dotenv_values(interpolate=False)
#   python-dotenv dotenv_values()           with expansion: quadratic, minutes
# and prints medians and ratios, then (with valgrind) the instructions each flow-envfile
# run and wc -l take, which repeat where times do not. Needs python3 with python-dotenv
# (pip install python-dotenv). LINES=N changes the size; SKIP_SLOW=1 leaves out the
# quadratic python-dotenv run; RUNS=N the rounds of the fast ones (default 11), in which
# each fast reader runs once, in turn.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
lines=${LINES:-100000}
runs=${RUNS:-11}
data=bench/data
mkdir -p "$data"
file="$data/envfile-$lines.env"
[ -f "$file" ] || python3 bench/envfile/generate.py "$file" "$lines"
tool=$(bench/installed.sh)/flow-envfile
python3 -c 'import dotenv' || { echo "run.sh: python-dotenv is missing: pip install python-dotenv" >&2; exit 69; }
python3 - "$file" "$tool" "$runs" "${SKIP_SLOW:-0}" <<'PY'
import os, statistics, sys, time
file, tool, runs, skip_slow = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
devnull = os.open(os.devnull, os.O_WRONLY)

def spawn(argv):
    """Wall time and CPU time (user + system) of one run of argv, its output discarded."""
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"run.sh: {argv} failed")
    return wall, usage.ru_utime + usage.ru_stime

py = "import sys\nfrom dotenv import dotenv_values\ndotenv_values(sys.argv[1], interpolate=%s)"
wc = "/usr/bin/wc" if os.path.exists("/usr/bin/wc") else "/bin/wc"
# The fast readers are timed in rounds, each reader once a round, in turn (forward, then
# backward), so that whatever the machine does over the run falls on all of them alike: a
# reader timed in a batch of its own sees a quieter or busier machine than the next one.
fast = [
    ("wc -l (floor)", [wc, "-l", file]),
    ("flow-envfile", [tool, file]),
    ("flow-envfile --no-expand", [tool, "--no-expand", file]),
    ("flow-envfile --format sh", [tool, "--format", "sh", file]),
]
samples = {name: [] for name, _ in fast}
for turn in range(runs):
    for name, argv in (fast if turn % 2 == 0 else fast[::-1]):
        samples[name].append(spawn(argv))
slow = [("python-dotenv, no expansion", [sys.executable, "-c", py % "False", file], 3)]
if not skip_slow:
    slow.append(("python-dotenv, expansion", [sys.executable, "-c", py % "True", file], 1))
for name, argv, repeat in slow:
    samples[name] = [spawn(argv) for _ in range(repeat)]
# Medians of wall and of CPU time.
results = [(name, (statistics.median(w for w, _ in timings), statistics.median(c for _, c in timings)))
           for name, timings in samples.items()]
lines = sum(1 for _ in open(file))
print(f"{file}: {lines} lines")
(floor, floor_cpu), (ours, ours_cpu) = results[0][1], results[1][1]
print("wall: elapsed time; cpu: user + system time of the process (steadier on a busy machine)")
print(f"{'reader':30} {'wall':>10} {'/ wc -l':>8} {'/ flow':>8} {'cpu':>10} {'/ wc -l':>8} {'/ flow':>8}")
for name, (wall, cpu) in results:
    print(f"{name:30} {wall*1000:8.1f}ms {wall/floor:8.1f} {wall/ours:8.1f}"
          f" {cpu*1000:8.1f}ms {cpu/max(floor_cpu, 1e-4):8.1f} {cpu/ours_cpu:8.1f}")
PY

# Instruction counts repeat where wall times on a shared machine do not.
if command -v valgrind >/dev/null; then
  floor=$(sh bench/instructions.sh wc -l "$file")
  expand=$(sh bench/instructions.sh "$tool" "$file")
  literal=$(sh bench/instructions.sh "$tool" --no-expand "$file")
  python3 - "$floor" "$expand" "$literal" <<'PY'
import sys
floor, expand, literal = map(int, sys.argv[1:])
# No ratio: wc's few instructions per byte (a vector search) say little of its time, which
# is mostly the start of a process; flow's counts are for comparing one build with another.
print(f"instructions (callgrind, whole process): wc -l {floor:,}; flow-envfile {expand:,}; "
      f"--no-expand {literal:,}")
PY
fi
