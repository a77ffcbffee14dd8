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
# quadratic python-dotenv run; RUNS=N the repetitions of the fast ones (default 11).
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
import resource, statistics, subprocess, sys, time
file, tool, runs, skip_slow = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"

def timed(argv, repeat):
    """Median wall time and median CPU time (user + system) of the child."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)

py = "import sys\nfrom dotenv import dotenv_values\ndotenv_values(sys.argv[1], interpolate=%s)"
cases = [
    ("wc -l (floor)", ["wc", "-l", file], runs),
    ("flow-envfile", [tool, file], runs),
    ("flow-envfile --no-expand", [tool, "--no-expand", file], runs),
    ("flow-envfile --format sh", [tool, "--format", "sh", file], runs),
    ("python-dotenv, no expansion", [sys.executable, "-c", py % "False", file], 3),
]
if not skip_slow:
    cases.append(("python-dotenv, expansion", [sys.executable, "-c", py % "True", file], 1))
results = [(name, timed(argv, repeat)) for name, argv, repeat in cases]
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
