#!/bin/sh
# Plans the 480 PSPLIB J30 instances with flow-sched (list scheduling, then --waves),
# checks every plan independently, and reports the gap to the proven optima; then
# plans generated workflows of 10,000 and 100,000 stages and reports the time taken.
#   bench/sched/run.sh [PSPLIB-J30-FOLDER]    (default ../shared/data/psplib-j30)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${1:-$root/../shared/data/psplib-j30}
out=$root/bench/out/sched
mkdir -p "$out/j30"
(cd "$root" && swift build -c release --product flow-sched >/dev/null)
sched=$root/.build/release/flow-sched

: > "$out/j30.csv"
tail -n +2 "$data/optimum.csv" | while IFS=, read -r problem optimum; do
  name=${problem%.sm}
  resources=$(python3 "$here/psplib.py" convert "$data/$problem" "$out/j30/$name.json")
  # shellcheck disable=SC2086  # the --resource options are meant to split
  "$sched" --cpus 1 --memory 0 --gpus 0 $resources "$out/j30/$name.json" > "$out/j30/$name.list.json"
  # shellcheck disable=SC2086
  "$sched" --cpus 1 --memory 0 --gpus 0 $resources --waves "$out/j30/$name.json" > "$out/j30/$name.waves.json"
  list=$(python3 "$here/psplib.py" check "$data/$problem" "$out/j30/$name.list.json")
  waves=$(python3 "$here/psplib.py" check "$data/$problem" "$out/j30/$name.waves.json")
  first=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['schedule']['first_pass_makespan'])" "$out/j30/$name.list.json")
  echo "$name,$optimum,$first,$list,$waves" >> "$out/j30.csv"
done
python3 - "$out/j30.csv" <<'PY'
import sys
rows = [line.strip().split(",") for line in open(sys.argv[1]) if line.strip()]
def report(label, column):
    gaps = [float(r[column]) / float(r[1]) - 1 for r in rows]
    optimal = sum(1 for g in gaps if g < 1e-9)
    print(f"{label:<28} mean gap {100 * sum(gaps) / len(gaps):5.2f}%  worst {100 * max(gaps):6.2f}%"
          f"  optimal {optimal}/{len(gaps)}")
print(f"PSPLIB J30: {len(rows)} instances, every plan checked feasible")
report("list, first pass", 2)
report("list + improvement", 3)
report("waves", 4)
PY

for count in 10000 100000; do
  python3 "$here/generate_dag.py" "$count" 1 "$out/dag-$count.json"
  for mode in "" "--waves"; do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$sched" --cpus 32 --memory 128Gi --gpus 4 --timing $mode "$out/dag-$count.json" \
      > "$out/dag-$count.plan.json" 2> "$out/dag-$count.timing"
    end=$(date +%s.%N)
    summary=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['schedule']; print(f\"makespan {s['makespan']} s, bound {s['lower_bound']['value']} s, gap {100*s['gap']:.2f}%\")" "$out/dag-$count.plan.json")
    echo "dag $count ${mode:-list}: $(sed 's/^flow-sched: timing: //' "$out/dag-$count.timing"); whole run $(python3 -c "print(round(($end-$start)*1000))") ms; $summary"
  done
done
