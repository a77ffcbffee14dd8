#!/bin/bash
# 100 independent one-second stages on a local single-node Slurm cluster (2 CPUs, so the
# ideal is 100 s / 2 = 50 s), run by flow-exec and, as the peer, by a plain shell loop of
# `sbatch --wrap` plus `squeue` polling. Prints wall time against the ideal and the CPU
# time flow-exec spends per job (its own and its sbatch/squeue/scontrol children).
# Runs in a private network namespace; the cluster is stopped by PID on exit.
# usage: bench/cluster/run.sh BIN_DIR [STAGES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:?usage: run.sh BIN_DIR [STAGES]}" && pwd)
count=${2:-100}
if [ -z "${FLOW_CLUSTER_NAMESPACE:-}" ]; then
  exec env FLOW_CLUSTER_NAMESPACE=1 unshare -n "$root/scripts/netns-run.sh" "$0" "$bin" "$count"
fi
work=$(mktemp -d /tmp/flow-cluster-bench.XXXXXX)
export SLURM_TEST_DIR="$work/slurm" SLURM_TEST_CPUS=2 SLURM_TEST_MEM=2000 SLURM_TEST_GPUS=0
trap '"$root/scripts/slurm-localcluster.sh" stop >/dev/null 2>&1; rm -rf "$work"' EXIT
eval "$("$root/scripts/slurm-localcluster.sh" start)"
export SLURM_CONF
ideal=$(( count / 2 ))

{
  echo "stages:"
  for i in $(seq "$count"); do
    echo "  - {name: s$i, type: BashOperator, kwargs: {bash_command: 'sleep 1'}, needs: []}"
  done
} >"$work/workflow.yaml"
"$bin/flow-parse" "$work/workflow.yaml" >"$work/document.json"

TIMEFORMAT='%R %U %S'
exec 3>&1
flow=$( { time "$bin/flow-exec" --executor slurm "$work/document.json" >"$work/events.jsonl" 2>&3; } 2>&1 )
read -r wall user system <<<"$flow"
submitted=$(jq -s '[.[] | select(.type == "stage-submit") | .data.time] | max' "$work/events.jsonl")
status=$(jq -s '.[-1].data.status' "$work/events.jsonl")

peer=$( { time {
  for i in $(seq "$count"); do
    sbatch --parsable --job-name="p$i" --output=/dev/null --cpus-per-task=1 --wrap 'sleep 1' >/dev/null
  done
  while [ -n "$(squeue --noheader --format=%i)" ]; do sleep 0.5; done
}; } 2>&1 )
read -r peer_wall peer_user peer_system <<<"$peer"

awk -v n="$count" -v ideal="$ideal" -v wall="$wall" -v user="$user" -v sys="$system" \
  -v submitted="$submitted" -v status="$status" -v pw="$peer_wall" -v pu="$peer_user" -v ps="$peer_system" 'BEGIN {
  printf "%d one-second stages, 2 CPUs, ideal %d s\n", n, ideal
  printf "flow-exec --executor slurm: %.1f s wall (%.2fx ideal), exit %s, all submitted after %.2f s\n", wall, wall / ideal, status, submitted
  printf "  cpu time (flow-exec and its slurm commands): %.2f s, %.1f ms per job\n", user + sys, (user + sys) * 1000 / n
  printf "peer, shell loop of sbatch --wrap + squeue every 0.5 s: %.1f s wall (%.2fx ideal), cpu %.2f s, %.1f ms per job\n", pw, pw / ideal, pu + ps, (pu + ps) * 1000 / n
  printf "flow-exec wall minus peer wall: %.1f s, %.0f ms per job\n", wall - pw, (wall - pw) * 1000 / n
}'
