#!/bin/bash
# bench/exec: per-stage overhead of flow-exec against a shell loop and xargs -P (and GNU
# parallel when installed) running the same `bash -c true` commands, and a container
# stage against bare `podman run` of the same image and command.
# Usage: bench/exec/run.sh [STAGES]   (default 1000). Never fails for being slow.
set -euo pipefail
cd "$(dirname "$0")/../.."
stages=${1:-1000}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
swift build -c release --static-swift-stdlib --product flow-exec >/dev/null
flow=$PWD/.build/release/flow-exec
jobs=$(nproc)

python3 - "$stages" "$data" <<'PY'
import json, sys
count, folder = int(sys.argv[1]), sys.argv[2]
stage = lambda name, **extra: dict(
    name=name, type="BashOperator", needs=[], kwargs={"bash_command": "true"}, **extra)
with open(f"{folder}/local.json", "w") as out:
    json.dump({"flow": 1, "source": f"{folder}/w.yaml",
               "stages": [stage(f"s{i}") for i in range(count)]}, out)
with open(f"{folder}/container.json", "w") as out:
    json.dump({"flow": 1, "source": f"{folder}/w.yaml",
               "stages": [stage("c", environment={"image": "localhost/flow-test:1"})]}, out)
PY

# Median wall time of N runs of a shell command, in milliseconds.
measure() {
  python3 - "$1" "$2" <<'PY'
import statistics, subprocess, sys, time
runs, command = int(sys.argv[1]), sys.argv[2]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(["bash", "-c", command], stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}

loop_ms=$(measure 5 "for i in \$(seq $stages); do bash -c true; done")
flow1_ms=$(measure 5 "$flow -j 1 --cpus $jobs --log-dir $data/logs $data/local.json")
xargs_ms=$(measure 5 "seq $stages | xargs -P $jobs -n 1 bash -c true")
flowp_ms=$(measure 5 "$flow -j $jobs --cpus $jobs --log-dir $data/logs $data/local.json")
parallel_ms=""
if command -v parallel >/dev/null; then
  parallel_ms=$(measure 3 "seq $stages | parallel -j $jobs bash -c true")
fi
container_ms=""
podman_ms=""
if command -v podman >/dev/null && podman image exists localhost/flow-test:1; then
  # The bare run is the exact podman command flow-exec runs (its --dry-run argv).
  bare=$("$flow" --dry-run --format json --engine podman "$data/container.json" \
    | python3 -c 'import json, shlex, sys; print(shlex.join(json.load(sys.stdin)["data"]["argv"]))')
  podman_ms=$(measure 7 "$bare")
  container_ms=$(measure 7 "$flow --engine podman --log-dir $data/logs $data/container.json")
fi

python3 - "$stages" "$jobs" "$loop_ms" "$flow1_ms" "$xargs_ms" "$flowp_ms" "${parallel_ms:-0}" \
  "${podman_ms:-0}" "${container_ms:-0}" <<'PY'
import sys
stages, jobs = int(sys.argv[1]), int(sys.argv[2])
loop, flow1, xargs, flowp, parallel, podman, container = map(float, sys.argv[3:])
print(f"{stages} stages of `bash -c true`, median wall time")
print(f"{'program':<36}{'ms':>10}{'per stage ms':>14}{'vs peer':>10}")
print(f"{'shell loop':<36}{loop:>10.1f}{loop / stages:>14.3f}")
print(f"{'flow-exec -j 1':<36}{flow1:>10.1f}{flow1 / stages:>14.3f}{flow1 / loop:>9.2f}x")
print(f"{f'xargs -P {jobs}':<36}{xargs:>10.1f}{xargs / stages:>14.3f}")
print(f"{f'flow-exec -j {jobs}':<36}{flowp:>10.1f}{flowp / stages:>14.3f}{flowp / xargs:>9.2f}x")
if parallel:
    print(f"{f'GNU parallel -j {jobs}':<36}{parallel:>10.1f}{parallel / stages:>14.3f}"
          f"{flowp / parallel:>9.2f}x (flow-exec / parallel)")
print(f"overhead per stage beyond the shell loop: {(flow1 - loop) / stages:.3f} ms")
if podman:
    print(f"{'podman run, same argv (bare)':<36}{podman:>10.1f}")
    print(f"{'flow-exec, one container stage':<36}{container:>10.1f}{'':>14}{container / podman:>9.2f}x")
else:
    print("podman or localhost/flow-test:1 missing: container comparison skipped "
          "(scripts/podman-setup.sh)")
PY
