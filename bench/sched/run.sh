#!/bin/sh
# Plans the PSPLIB J30, J60 (when present) and J120 instances with flow-sched, checks
# every plan independently and reports the gaps to the optimum or best known makespan
# and the time per instance; then plans generated workflows of 10,000 and 100,000
# stages and reports the time taken.
#   bench/sched/run.sh [--all] [--before SCHED] [DATA-FOLDER]
# DATA-FOLDER holds psplib-j30, psplib-j60, psplib-j120 (default ../shared/data).
# J120 is sampled (every 10th instance, 60 of 600) unless --all is given. --before
# plans everything with another flow-sched binary too, side by side.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sample="--sample 10"
before=""
while [ $# -gt 0 ]; do
  case $1 in
    --all) sample=""; shift ;;
    --before) before=$2; shift 2 ;;
    *) break ;;
  esac
done
data=${1:-$root/../shared/data}
out=$root/bench/out/sched
mkdir -p "$out"
(cd "$root" && swift build -c release --product flow-sched >/dev/null)
sched=$root/.build/release/flow-sched

for set in j30 j60 j120; do
  [ -f "$data/psplib-$set/optimum.csv" ] || { echo "PSPLIB $set: not in $data, skipped"; continue; }
  options=""
  [ "$set" = j30 ] && options="--waves"
  [ "$set" = j120 ] && options="$sample"
  [ -n "$before" ] && options="$options --before $before"
  # shellcheck disable=SC2086  # the options are meant to split
  python3 "$here/psplib.py" table "$(echo $set | tr j J)" "$data/psplib-$set" "$out/$set" "$sched" $options
done

for count in 10000 100000; do
  python3 "$here/generate_dag.py" "$count" 1 "$out/dag-$count.json"
  for binary in $before $sched; do
    for mode in "" "--waves"; do
      # Three runs; the one whose whole run took the median time is reported, so that one
      # slow run (the first after a build, a busy moment) does not stand for the tool.
      runs=""
      for run in 1 2 3; do
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        "$binary" --cpus 32 --memory 128Gi --gpus 4 --timing $mode "$out/dag-$count.json" \
          > "$out/dag-$count.plan.json" 2> "$out/dag-$count.timing.$run"
        end=$(date +%s.%N)
        runs="$runs $(python3 -c "print(round(($end-$start)*1000))"):$run"
      done
      median=$(echo $runs | tr ' ' '\n' | sort -n | sed -n 2p)
      whole=${median%%:*}
      mv "$out/dag-$count.timing.${median##*:}" "$out/dag-$count.timing"
      rm -f "$out/dag-$count.timing".[123]
      summary=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['schedule']; print(f\"makespan {s['makespan']} s, bound {s['lower_bound']['value']} s, gap {100*s['gap']:.2f}%\")" "$out/dag-$count.plan.json")
      label=$([ "$binary" = "$before" ] && echo "before " || echo "")
      echo "${label}dag $count ${mode:-list}: $(sed 's/^flow-sched: timing: //' "$out/dag-$count.timing"); whole run $whole ms (median of 3 runs); $summary"
    done
  done
done
