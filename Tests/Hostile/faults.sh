#!/bin/bash
# Faults for the tools: output onto a full device or a full file system, a reader
# that goes away, help text that cannot be written. Run by `make check`.
# FLOW_BIN names the folder of the built tools (default .build/debug).
set -uo pipefail
. "$(dirname "$0")/bounds.sh"
cd "$scratch"
workflow=$root/examples/diamond/workflow.yaml
catalogue=$root/examples/houdini/catalogue.toml
printf 'A=1\nB=two\n' >vars.env
# Outputs larger than a pipe's buffer, so that a reader going away is seen mid-write.
awk 'BEGIN { print "stages:"; for (i = 0; i < 4000; i++) printf "  - name: stage%d\n", i }' >big.yaml
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "KEY%d=value %d\n", i, i }' >big.env

# Each tool with arguments that produce output, as TOOL|ARG|ARG...
runs=(
  "flow-parse|$workflow"
  "flow-envfile|--no-env|vars.env"
  "flow-resolve|--catalog|$catalogue|--index|$scratch/index|houdini"
  "flow-sched|--probe"
  "flow-parse|big.yaml"
  "flow-envfile|--no-env|big.env"
)

for entry in "${runs[@]}"; do
  IFS='|' read -r -a argv <<<"$entry"
  tool=${argv[0]}
  arguments=("${argv[@]:1}")

  bounded "$tool -o /dev/full exits 74" 10 300 74 "$bin/$tool" "${arguments[@]}" -o /dev/full
  bounded "$tool >/dev/full exits 74" 10 300 74 sh -c '"$0" "$@" >/dev/full' \
    "$bin/$tool" "${arguments[@]}"
  bounded "$tool --help >/dev/full exits 74" 10 300 74 sh -c '"$0" --help >/dev/full' "$bin/$tool"
  expect "$tool --help >/dev/full says so" stderr_has "write error"

  # A reader that closes early: quiet, ended by SIGPIPE or successfully.
  # The tool's status goes out on descriptor 3, its stderr to the checked file.
  bounded "$tool | head -c1 ends quietly" 10 300 0 sh -c \
    'status=$( { { "$0" "$@"; echo $? >&3; } | head -c1 >/dev/null; } 3>&1 ); case $status in 0|141) exit 0;; *) echo "status $status" >&2; exit 1;; esac' \
    "$bin/$tool" "${arguments[@]}"
  expect "$tool | head -c1 prints nothing on stderr" stderr_empty
done

# -o onto a full file system: no partial file, no temporary file left, exit 74.
full=$scratch/full
mkdir -p "$full"
if mount -t tmpfs -o size=8k flow-full "$full" 2>"$scratch/mount.err"; then
  trap 'umount "$full" 2>/dev/null; rm -rf "$scratch"' EXIT
  head -c 8192 /dev/urandom >"$full/filler" 2>/dev/null
  for entry in "${runs[@]}"; do
    IFS='|' read -r -a argv <<<"$entry"
    tool=${argv[0]}
    arguments=("${argv[@]:1}")
    bounded "$tool -o onto a full file system exits 74" 10 300 74 \
      "$bin/$tool" "${arguments[@]}" -o "$full/out.json"
    expect "$tool leaves no file on the full file system" \
      sh -c "[ -z \"\$(ls -A '$full' | grep -v '^filler\$')\" ]"
  done
  # A file system with room for the temporary file's name but not its data.
  rm -f "$full/filler"
  echo previous >"$full/out.json"
  head -c 4096 /dev/urandom >"$full/filler" 2>/dev/null
  bounded "flow-parse -o over an existing file on a full file system" 10 300 74 \
    "$bin/flow-parse" --pretty "$workflow" -o "$full/out.json"
  expect "the existing file is kept whole" sh -c "[ \"\$(cat '$full/out.json')\" = previous ]"
  umount "$full"
else
  fail "cannot mount a tmpfs for the full-disk case: $(cat "$scratch/mount.err")"
fi

finish
