#!/bin/bash
# Builds the libFuzzer harnesses over the core sources and runs each for a while.
#   fuzz/run.sh build              compile the core once, then one binary per harness
#   fuzz/run.sh run SECONDS [NAME]  run each harness (or one) for SECONDS on its corpus
#   fuzz/run.sh replay              every corpus run once more on an unoptimised build
#   fuzz/run.sh reach NAME          the project's source files the harness's corpus reaches
# FUZZ_RUNS=N also stops each harness after N executions, whichever comes first.
# FUZZ_TIMEOUT=N (default 10) is how many seconds one input may take before it counts as a
# finding. The clock is the wall clock: a long run beside other work, at a low priority,
# may raise it, since an input then waits for the processor as long as it runs.
# `reach` tells which files a long run vouches for: a run made before a change still holds
# when `git diff RUN-COMMIT -- $(fuzz/run.sh reach NAME)` is empty.
# Binaries go to .build/fuzz; corpora grow under .build/fuzz/corpus, seeded from
# .build/fuzz/seeds (written from the test fixtures and examples by fuzz/seeds.py).
# A crash leaves its input under .build/fuzz/findings and fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/.build/fuzz
harnesses=(WorkflowYAML PipeDocument PipeDocumentEnvfile PipeDocumentResolve
  PipeDocumentSchedule PipeDocumentExec TOMLCatalogue VersionSpec EnvFileCompose EnvFilePython
  EnvFileDocker CompiledIndex RezPackageFile)

# build [reach]: the harnesses as they run, optimised and under AddressSanitizer, in
# .build/fuzz; or with `reach`, unoptimised and without it in .build/fuzz/reach, so that
# no function is inlined into another file's and every function reached is named.
build() {
  local bin=$out flags=(-sanitize=fuzzer,address -O -parse-as-library -g)
  if [ "${1:-}" = reach ]; then
    bin=$out/reach flags=(-sanitize=fuzzer -Onone -parse-as-library -g)
  fi
  mkdir -p "$bin/core"
  local sources
  mapfile -t sources < <(find "$root/Sources/FlowCore" -name '*.swift' | sort)
  local stamp=$bin/core/libFlowCore.a
  if [ ! -e "$stamp" ] || [ -n "$(find "$root/Sources/FlowCore" -newer "$stamp" -name '*.swift')" ]; then
    echo "fuzz: compiling the core (${#sources[@]} files)"
    # With testing enabled, so that a harness can compare internal forms of one reading
    # (a text read whole and in halves).
    (cd "$bin/core" && swiftc "${flags[@]}" -whole-module-optimization -module-name FlowCore \
      -enable-testing -emit-module -emit-library -static -o libFlowCore.a \
      -I "$root/Sources/CYAML" -I "$root/Sources/CJansson" -I "$root/Sources/CFlowSystem" \
      "${sources[@]}")
  fi
  local shared
  mapfile -t shared < <(find "$root/fuzz/shared" -name '*.swift' | sort)
  local name
  for name in "${harnesses[@]}"; do
    local binary=$bin/$name
    if [ ! -e "$binary" ] || [ "$stamp" -nt "$binary" ] || [ -n "$(find "$root/fuzz/harnesses/$name.swift" "$root/fuzz/shared" -newer "$binary")" ]; then
      echo "fuzz: linking $name"
      swiftc "${flags[@]}" -use-ld=lld -module-name "Fuzz$name" \
        -I "$bin/core" -I "$root/Sources/CYAML" -I "$root/Sources/CJansson" \
        -I "$root/Sources/CFlowSystem" \
        "$root/fuzz/harnesses/$name.swift" "${shared[@]}" \
        -L "$bin/core" -lFlowCore -lyaml -ljansson -o "$binary"
    fi
  done
}

run() {
  local seconds=$1 only=${2:-}
  local failed=0
  # AddressSanitizer records a stack trace at every allocation, for reports of misused
  # memory; without them the harnesses run up to twice as fast. A finding is reproduced
  # with the full traces by running its harness on the saved input with ASAN_OPTIONS unset.
  export ASAN_OPTIONS=${ASAN_OPTIONS-malloc_context_size=0}
  mkdir -p "$out/findings"
  python3 "$root/fuzz/seeds.py" "$out/seeds"
  local name
  for name in "${harnesses[@]}"; do
    [ -z "$only" ] || [ "$only" = "$name" ] || continue
    local corpus=$out/corpus/$name
    mkdir -p "$corpus"
    local seeds=$out/seeds/$name
    local dictionary=()
    [ -e "$root/fuzz/dictionaries/$name.dict" ] && dictionary=(-dict="$root/fuzz/dictionaries/$name.dict")
    local log=$out/$name.log
    local limits=(-max_total_time="$seconds")
    [ -n "${FUZZ_RUNS:-}" ] && limits+=(-runs="$FUZZ_RUNS")
    local started=$SECONDS
    if "$out/$name" "$corpus" "$seeds" "${limits[@]}" -max_len=65536 \
      -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 "${dictionary[@]}" \
      -artifact_prefix="$out/findings/$name-" >"$log" 2>&1; then
      local runs
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
      echo "fuzz: $name: ${runs:-?} executions in $((SECONDS - started))s, no finding"
    else
      echo "fuzz: $name: FINDING (log $log, input in $out/findings)" >&2
      tail -40 "$log" >&2
      failed=1
    fi
  done
  return $failed
}

# replay_once NAME LOG [OPTION...]: every input of the harness's corpus and seeds run once on
# the unoptimised build, where unsafe buffers check their bounds and assertions hold; its
# output to LOG. A crash saves the input under .build/fuzz/findings.
replay_once() {
  local name=$1 log=$2 scratch
  shift 2
  scratch=$(mktemp -d)
  mkdir -p "$out/corpus/$name" "$out/seeds/$name" "$out/findings"
  local status=0
  "$out/reach/$name" "$scratch" "$out/corpus/$name" "$out/seeds/$name" -runs=0 \
    -max_len=65536 -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" \
    -artifact_prefix="$out/findings/$name-replay-" "$@" >"$log" 2>&1 || status=$?
  rm -rf "$scratch"
  return "$status"
}

# The corpora run again with every check on: the fast runs (optimised) skip the bounds
# checks of unsafe buffers, so a read just past an input goes unseen there.
replay() {
  local failed=0 name
  build reach
  python3 "$root/fuzz/seeds.py" "$out/seeds"
  for name in "${harnesses[@]}"; do
    if replay_once "$name" "$out/$name.replay.log"; then
      echo "fuzz: $name: corpus replayed with every check, no finding"
    else
      echo "fuzz: $name: FINDING on replay (log $out/$name.replay.log)" >&2
      tail -40 "$out/$name.replay.log" >&2
      failed=1
    fi
  done
  return $failed
}

reach() {
  local name=$1 coverage
  [[ " ${harnesses[*]} " == *" $name "* ]] || { echo "fuzz: no harness $name" >&2; return 64; }
  build reach >&2
  python3 "$root/fuzz/seeds.py" "$out/seeds" >&2
  coverage=$(mktemp)
  # The functions the inputs reached, by file.
  local status=0
  replay_once "$name" "$coverage" -print_coverage=1 || status=$?
  if [ "$status" -eq 0 ]; then
    awk '$1 == "COVERED_FUNC:" && $3 > 0 { print $NF }' "$coverage" |
      sed -e 's/:[0-9]*$//' -e "s|^$root/||" | { grep -E '^(Sources|fuzz)/' || true; } | sort -u
  else
    tail -20 "$coverage" >&2
  fi
  rm -f "$coverage"
  return "$status"
}

case ${1:-} in
  build) build ;;
  run) build; run "${2:?seconds}" "${3:-}" ;;
  replay) replay ;;
  reach) reach "${2:?harness}" ;;
  *) echo "usage: fuzz/run.sh build | run SECONDS [HARNESS] | replay | reach HARNESS" >&2; exit 64 ;;
esac
