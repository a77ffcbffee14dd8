#!/bin/sh
# Benchmark flow-resolve against resolvelib, libsolv and rez on generated catalogues.
# Needs: pip install rez resolvelib solv. Data goes to bench/data/resolve (git-ignored).
# Usage: bench/resolve/run.sh [quick]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data="$repo/bench/data/resolve"
mkdir -p "$data"
(cd "$repo" && swift build -c release --product flow-resolve -Xswiftc -static-stdlib >/dev/null 2>&1 \
  || swift build -c release --product flow-resolve >/dev/null)
flow="$repo/.build/release/flow-resolve"

generate() { # name packages versions max-requires [extra]
  if [ ! -f "$data/$1/problem.json" ]; then
    python3 "$here/generate.py" --packages "$2" --versions "$3" --max-requires "$4" \
      --out "$data/$1" ${5:-}
  fi
}

echo "| catalogue | solver | solved | invalid | setup | median | max | median CPU | flow process alone |"
echo "|---|---|---|---|---|---|---|---|---|"
uptime
generate small 200 20 3
python3 "$here/bench.py" "$data/small" --flow "$flow"
generate dense 200 20 6 --seed=2
python3 "$here/bench.py" "$data/dense" --flow "$flow" --rez-repeats 1 --rez-time-limit 20
generate large 1000 50 4 --seed=3
python3 "$here/bench.py" "$data/large" --flow "$flow" --rez-repeats 3
if [ "${1:-}" != quick ]; then
  generate huge 20000 50 4 "--seed=4 --no-rez"
  rm -f "$data/huge/catalog.index"
  /usr/bin/time -f "huge catalogue (1,000,000 versions): index built in %e s wall, %U s user, %S s system, %M KiB peak" \
    "$flow" --catalog "$data/huge/catalog.toml" --index "$data/huge/catalog.index" p1 >/dev/null
  python3 "$here/bench.py" "$data/huge" --flow "$flow" --solvers flow --keep-index
fi
