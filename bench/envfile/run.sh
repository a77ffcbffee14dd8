#!/bin/sh
# Times, in one run, reading a generated 100,000-line .env file (a tenth of the lines
# use ${...} expansion) by:
#   wc -l                                   the floor: reading the file at all
#   flow-envfile (release, static stdlib)   whole process, JSON to /dev/null
#   flow-envfile --no-expand                whole process
#   python-dotenv dotenv_values(interpolate=False)
#   python-dotenv dotenv_values()           with expansion: quadratic, minutes
# and prints medians and ratios. Needs python3 with python-dotenv
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
# Static standard library: how a tool that starts five times per pipe should ship.
swift build -c release --static-swift-stdlib --product flow-envfile --scratch-path .build-static >/dev/null
tool=.build-static/release/flow-envfile
python3 -c 'import dotenv' || { echo "run.sh: python-dotenv is missing: pip install python-dotenv" >&2; exit 69; }
python3 - "$file" "$tool" "$runs" "${SKIP_SLOW:-0}" <<'PY'
import statistics, subprocess, sys, time
file, tool, runs, skip_slow = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"

def timed(argv, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)

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
floor, ours = results[0][1], results[1][1]
print(f"{'reader':34} {'median':>10} {'/ wc -l':>9} {'/ flow-envfile':>15}")
for name, seconds in results:
    print(f"{name:34} {seconds*1000:8.1f}ms {seconds/floor:9.1f} {seconds/ours:15.1f}")
PY
