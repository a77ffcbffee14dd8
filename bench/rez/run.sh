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
(cd "$repo" && swift build -c release --product flow-resolve >/dev/null)
uptime
"$data/venv/bin/python" "$here/bench.py" "$data" --flow "$repo/.build/release/flow-resolve" \
  --out "$data/answers.json" "$@"
