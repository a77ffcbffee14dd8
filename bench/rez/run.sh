#!/bin/sh
# rez's official benchmark (in the rez wheel on PyPI: rez/data/benchmarking) with rez in
# process and flow-resolve whole-process, in one run. Needs network access to PyPI once.
# Data goes to bench/data/rez (git-ignored).
# Usage: bench/rez/run.sh [--limit N]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data="$repo/bench/data/rez"
mkdir -p "$data"
if [ ! -x "$data/venv/bin/python" ]; then
  python3 -m venv "$data/venv"
  "$data/venv/bin/pip" install -q rez
fi
if [ ! -f "$data/requests.json" ]; then
  "$data/venv/bin/python" - "$data" <<'PY'
import os, shutil, sys, tarfile
import rez
source = os.path.join(os.path.dirname(rez.__file__), "data", "benchmarking")
with tarfile.open(os.path.join(source, "packages.tar.gz")) as archive:
    archive.extractall(sys.argv[1], filter="data")
shutil.copy(os.path.join(source, "requests.json"), sys.argv[1])
PY
fi
# flow-resolve as `make install` installs it (the one static binary under the tool's name).
flow=$("$repo/bench/installed.sh")/flow-resolve
# The repository's index is compiled (when missing or stale) by a first resolve before the
# timed part, as once after a release: its time is printed, not counted.
first=$("$data/venv/bin/python" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))[0]))' "$data/requests.json")
start=$(date +%s.%N)
# shellcheck disable=SC2086 # the first request's items, one argument each
"$flow" --catalog "$data/packages" --syntax rez $first >/dev/null
echo "first resolve, compiling the index if needed: $(echo "$(date +%s.%N) - $start" | bc) s"
uptime
"$data/venv/bin/python" "$here/bench.py" "$data" --flow "$flow" \
  --out "$data/answers.json" "$@"
