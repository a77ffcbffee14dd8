#!/bin/bash
# bench/parse/compare.sh OLD NEW: runs two flow-parse binaries on the same workflows and
# says whether they answer alike: standard output, standard error and exit status, compact
# and --pretty. The workflows: bench/parse's generated one, every example, the shared
# realworld fasthep-flow files when present, and small broken ones written here, so that
# messages and positions are compared too. Exits 1 on the first difference.
set -euo pipefail
old=${1:?usage: compare.sh OLD-FLOW-PARSE NEW-FLOW-PARSE}
new=${2:?usage: compare.sh OLD-FLOW-PARSE NEW-FLOW-PARSE}
cd "$(dirname "$0")/../.."
data=bench/data/parse
[ -f "$data/workflow.yaml" ] || python3 bench/parse/generate.py 10000 "$data"
shared=${FLOW_SHARED_DATA:-../shared/data}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Broken and unusual workflows, one per block, split on lines of '---8<---'.
python3 - "$scratch" <<'PY'
import sys
cases = r"""
stages:
  - name: a
    environment: {resources: {memory: lots}}
---8<---
stages:
  - name: a
    name: b
---8<---
stages:
  - name: a
    kwargs: {x: 1, x: 2}
---8<---
base: &base {image: img:1}
stages:
  - name: a
    environment: *base
---8<---
stages:
  - &s {name: a, type: t}
  - <<: *s
    name: b
---8<---
stages:
  - name: a
    needs: [missing]
  - name: a
---8<---
stages:
  - name: a
    neds: [b]
    environment: {imgae: x, resources: {cpus: 2, cpu: 1, houdini_licence: 1, gpu: 0.25}}
---8<---
stages:
  - name: "x y"
  - name: x_y
    needs: "x y"
    duration: 90
    timeout: 1h30m
---8<---
global:
  resources: {memory: 2Gi, gpu: 1}
  requirements: [root ~=6.30, "!python 2"]
  retry: {attempts: 3}
  x-site: {a: [1, 2.5, true, null, ~, 0x1F, .inf, "q"]}
stages:
  - name: a
    args: [1, two, {three: 3}]
    with: {cmd: !!str 12, other: !!int "7"}
    environment:
      requirements: {}
      variables: [a.env]
      executor: SlurmExecutor
      extra_data: {k: [v]}
      x-note: kept
    inputs: [data/*.root]
    outputs: out/file
    retry: {attempts: 2, on: [timeout]}
    x-owner: me
version: 2
metadata: {owner: x}
plugins: [p]
x-top: 1
---8<---
stages:
  - name: a
    environment:
      variables: {"A=B": 1, C: [1]}
      requirements: {"": x, py: [1]}
      resources: {memory: -1, cpu: -1, gpu: x, gpu_memory: 0, process_on: gpux, "": 1}
      executor: Nowhere
      image: "-x"
---8<---
stages: 3
---8<---
stages:
  - name: a
    environment:
      resources: {memory: 8Gi}
  - name: b
    needs: [a]
---
stages: []
---8<---
stages:
  - name: a
    duration: 1x
    timeout: [1]
    needs: {a: 1}
---8<---
stages:
  - name: a
    environment: {variables: {A: "x\0y"}}
---8<---
analysis: {stages: []}
execution: {}
---8<---
stages:
  - {name: "tab\there"}
  - name: [a]
  - type: only
  - 7
---8<---
[a, b]
---8<---

---8<---
stages:
  - name: a
    kwargs: {? [complex, key] : 1, nested: {deep: {deeper: [1, {x: y}]}}}
    environment:
      resources: {memory: 1.5Gi, cpu: 0.5, houdini_license: 2, gpu: 2, gpu_memory: 20Gi}
      requirements: ["numpy >=1.20", "~scipy"]
"""
for number, text in enumerate(cases.split("---8<---\n")):
    with open(f"{sys.argv[1]}/case-{number:02d}.yaml", "w") as out:
        out.write(text.lstrip("\n"))
with open(f"{sys.argv[1]}/a.env", "w") as out:
    out.write("A=1\n")
PY

files=("$data/workflow.yaml" examples/*/workflow.yaml "$scratch"/case-*.yaml)
[ -d "$shared/realworld/fasthep-flow" ] && files+=("$shared"/realworld/fasthep-flow/*.yaml)
same=0
for file in "${files[@]}"; do
  for flags in "" "--pretty" "--check"; do
    # shellcheck disable=SC2086
    old_status=0 && "$old" $flags "$file" >"$scratch/old.out" 2>"$scratch/old.err" || old_status=$?
    # shellcheck disable=SC2086
    new_status=0 && "$new" $flags "$file" >"$scratch/new.out" 2>"$scratch/new.err" || new_status=$?
    if [ "$old_status" != "$new_status" ] || ! cmp -s "$scratch/old.out" "$scratch/new.out" \
      || ! cmp -s "$scratch/old.err" "$scratch/new.err"; then
      echo "differ: $file $flags (exit $old_status against $new_status)"
      diff "$scratch/old.err" "$scratch/new.err" | head -20 || true
      cmp "$scratch/old.out" "$scratch/new.out" | head -5 || true
      exit 1
    fi
    same=$((same + 1))
  done
done
echo "compare: ${#files[@]} workflows, $same runs answered alike"
