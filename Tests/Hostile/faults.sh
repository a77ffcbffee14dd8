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


# ---- flow-exec: a flooding stage, escaping processes, events onto a full device ----
# The runner's faults: a stage that writes without end must still time out with
# flow-exec's memory bounded; what a stage started outside its process group must not
# outlive it; events that cannot be written end with 74, a reader going away does not.
stage_document() { # NAME TIMEOUT|null COMMAND: a one-stage pipe document
  printf '{"flow":1,"source":"%s/w.yaml","stages":[{"name":"%s","type":"fasthep_flow.operators.BashOperator","needs":[],"timeout":%s,"kwargs":{"bash_command":"%s"}}]}\n' \
    "$scratch" "$1" "$2" "$3"
}
# `bounded` takes 124 for its own time limit: a stage's timeout (124) is passed on as 200.
stage_document flood 2 yes >flood.json
bounded "flow-exec --stage-output: a flooding stage times out (124)" 60 200 200 \
  sh -c '"$0" "$@"; status=$?; [ "$status" -eq 124 ] && exit 200; exit "$status"' \
  "$bin/flow-exec" --stage-output flood.json
stage_document zeros 2 "cat /dev/zero" >zeros.json
bounded "flow-exec --stage-output: an endless line is cut, the stage times out" 60 200 200 \
  sh -c '"$0" "$@"; status=$?; [ "$status" -eq 124 ] && exit 200; exit "$status"' \
  "$bin/flow-exec" --stage-output zeros.json
stage_document escape 1 'timeout 300 sleep 300 & echo $! > escape.pids; setsid sleep 300 & echo $! >> escape.pids; wait' >escape.json
bounded "flow-exec: a stage with escaped processes times out (124)" 30 300 200 \
  sh -c '"$0" "$@"; status=$?; [ "$status" -eq 124 ] && exit 200; exit "$status"' \
  "$bin/flow-exec" --grace 1 escape.json
escaped_gone() {
  local pid
  for pid in $(cat escape.pids 2>/dev/null); do
    if kill -0 "$pid" 2>/dev/null && ! grep -q ') Z' "/proc/$pid/stat" 2>/dev/null; then
      kill "$pid"
      return 1
    fi
  done
  [ -s escape.pids ]
}
expect "flow-exec: timeout's group and a setsid daemon are gone after the timeout" escaped_gone
stage_document events null true >events.json
bounded "flow-exec >/dev/full exits 74" 10 300 74 sh -c '"$0" "$1" >/dev/full' \
  "$bin/flow-exec" events.json
expect "flow-exec >/dev/full says so" stderr_has "standard output: no space left on device"
bounded "flow-exec | head -c1 ends quietly" 10 300 0 sh -c \
  'status=$( { { "$0" "$1"; echo $? >&3; } | head -c1 >/dev/null; } 3>&1 ); case $status in 0|141) exit 0;; *) echo "status $status" >&2; exit 1;; esac' \
  "$bin/flow-exec" events.json
for option in "--grace nan" "--grace inf" "--grace=-1" "-j 0" "--cpus nan" "--gpus 99999999999"; do
  # shellcheck disable=SC2086 # the option and its value are two words
  bounded "flow-exec $option is a usage error (64)" 10 300 64 "$bin/flow-exec" $option events.json
done

# A file-size limit below what the run writes: the writes past it fail with EFBIG, are
# reported, and the run goes on (SIGXFSZ would otherwise end it with nothing recorded).
mkdir -p limited
awk 'BEGIN { print "stages:"; for (i = 0; i < 40; i++)
  printf "  - name: s%d\n    type: BashOperator\n    kwargs:\n      bash_command: \"true\"\n", i }' \
  >limited/w.yaml
for run in first second; do
  bounded "flow-exec under ulimit -f 1 finishes its $run run" 10 300 0 bash -c \
    'ulimit -f 1; "$0" "$1" | cat >/dev/null; exit "${PIPESTATUS[0]}"' \
    "$bin/flow-exec" limited/w.yaml
  expect "it says the cache could not be written ($run run)" stderr_has "cannot record stage"
done

# ---- The catalogue index: a full, read-only or shared cache, builders in PID namespaces,
# no home folder. The index is a cache: none of these may stop a resolve or leave a file.
resolve=("$bin/flow-resolve" --catalog "$catalogue")
"${resolve[@]}" --index "$scratch/index" houdini >"$scratch/expected"
cache=$scratch/index-cache
mkdir -p "$cache"
if mount -t tmpfs -o size=64k flow-index "$cache" 2>"$scratch/mount.err"; then
  head -c 65536 /dev/urandom >"$cache/filler" 2>/dev/null
  bounded "flow-resolve with a full cache resolves from memory" 10 300 0 \
    "${resolve[@]}" --index "$cache/flow/x.index" houdini
  expect "it gives the same answer" cmp -s "$scratch/out" "$scratch/expected"
  expect "it says why, once" sh -c "[ \$(grep -c 'no space left on device' '$scratch/err') = 1 ]"
  expect "it leaves no file in the full cache" sh -c "[ -z \"\$(ls -A '$cache/flow')\" ]"
  rm -f "$cache/filler"
  "${resolve[@]}" --index "$cache/flow/x.index" houdini >/dev/null
  mount -o remount,ro "$cache"
  bounded "flow-resolve reads a valid index on a read-only cache" 10 300 0 \
    "${resolve[@]}" --index "$cache/flow/x.index" houdini
  expect "it says nothing" stderr_empty
  expect "it gives the same answer" cmp -s "$scratch/out" "$scratch/expected"
  bounded "flow-resolve with a read-only cache and no index resolves from memory" 10 300 0 \
    "${resolve[@]}" --index "$cache/other/x.index" houdini
  expect "it says why" stderr_has "read-only file system"
  expect "it gives the same answer" cmp -s "$scratch/out" "$scratch/expected"
  umount "$cache"
else
  fail "cannot mount a tmpfs for the full cache: $(cat "$scratch/mount.err")"
fi

# Builders in PID namespaces of their own have the same PID: each still writes its own
# temporary file and renames it into place.
if unshare -pf true 2>"$scratch/unshare.err"; then
  bounded "builders in PID namespaces never fail" 60 300 0 bash -c '
    for round in 1 2 3 4 5; do
      rm -rf "$2/pid-cache"; pids=
      for builder in 1 2 3 4; do
        unshare -pf "$0" --catalog "$1" --index "$2/pid-cache/x.index" houdini \
          >"$2/pid.$builder" & pids="$pids $!"
      done
      for pid in $pids; do wait $pid || exit 1; done
      for builder in 1 2 3 4; do cmp -s "$2/pid.$builder" "$2/expected" || exit 1; done
      [ "$(ls -A "$2/pid-cache")" = x.index ] || exit 1
    done' "$bin/flow-resolve" "$catalogue" "$scratch"
else
  fail "cannot make a PID namespace: $(cat "$scratch/unshare.err")"
fi

# A user with no home folder at all (no HOME, no password entry) caches in a private
# folder of its own, and not in one someone else made first.
chmod 711 "$scratch"
nobody=(setpriv --reuid=54321 --regid=54321 --clear-groups env -u HOME -u XDG_CACHE_HOME
  -u XDG_CONFIG_HOME TMPDIR="$scratch/tmp")
mkdir -p "$scratch/tmp"
chmod 1777 "$scratch/tmp"
bounded "without a home the index goes to a private per-user folder" 10 300 0 \
  "${nobody[@]}" "${resolve[@]}" houdini
expect "it says nothing" stderr_empty
expect "the folder is the user's, mode 0700" \
  sh -c "[ \"\$(stat -c '%u %a' '$scratch/tmp/flow-54321')\" = '54321 700' ]"
expect "the index is in it" sh -c "ls '$scratch/tmp/flow-54321/.cache/flow/' | grep -q '^catalogue-.*\.index\$'"
rm -rf "$scratch/tmp/flow-54321"
mkdir -m 777 "$scratch/tmp/flow-54321"
bounded "a per-user folder made by someone else is not used" 10 300 0 \
  "${nobody[@]}" "${resolve[@]}" houdini
expect "it says why" stderr_has "cache folder not used (not owned by this user)"
expect "it gives the same answer" cmp -s "$scratch/out" "$scratch/expected"
expect "nothing is written there" sh -c "[ -z \"\$(ls -A '$scratch/tmp/flow-54321')\" ]"
bounded "generate does not write its catalogue into it" 10 300 74 \
  "${nobody[@]}" "$bin/flow-resolve" generate --root "$scratch/no-such-root"
expect "it says why" stderr_has "not owned by this user; give the catalogue file with -o"
expect "nothing is written there either" sh -c "[ -z \"\$(ls -A '$scratch/tmp/flow-54321')\" ]"


# ---- Permission denied: what root never sees ----
# The suite runs as root, which reads and writes anything; these run as an ordinary user
# (uid 54321), so a file or folder without permission fails as it would for a user: one
# clear line with the documented status, nothing half-written, nothing run.
denied=$scratch/denied
mkdir -p "$denied/home/.cache/flow" "$denied/readonly"
cp "$workflow" "$denied/w.yaml"
"$bin/flow-parse" "$denied/w.yaml" >"$denied/doc.json"
cp "$denied/w.yaml" "$denied/unreadable.yaml"
cp "$denied/doc.json" "$denied/unreadable.json"
printf 'A=1\n' >"$denied/unreadable.env"
cp "$catalogue" "$denied/unreadable.toml"
chmod 000 "$denied"/unreadable.*
echo previous >"$denied/readonly/out.json"
chown -R 54321:54321 "$denied/home"
chmod 500 "$denied/home/.cache/flow"
chmod 555 "$denied/readonly" "$denied"
as_user=(setpriv --reuid=54321 --regid=54321 --clear-groups env -u XDG_CACHE_HOME
  -u XDG_CONFIG_HOME -u FLOW_CATALOG -u LIFEBLOOD_CONFIG_LOCATION HOME="$denied/home")
for entry in "flow-parse|74|unreadable.yaml" "flow-envfile|74|unreadable.env" \
  "flow-sched|74|unreadable.json" "flow-exec|125|unreadable.json" \
  "flow-resolve|74|--catalog|$denied/unreadable.toml|houdini"; do
  IFS='|' read -r -a argv <<<"$entry"
  tool=${argv[0]} status=${argv[1]} arguments=()
  for argument in "${argv[@]:2}"; do
    case $argument in unreadable.*) arguments+=("$denied/$argument") ;; *) arguments+=("$argument") ;; esac
  done
  bounded "$tool on a file it may not read exits $status" 10 300 "$status" \
    "${as_user[@]}" "$bin/$tool" "${arguments[@]}"
  expect "$tool says permission denied" stderr_has "permission denied"
  expect "$tool writes nothing on stdout" sh -c "[ ! -s '$scratch/out' ]"
done
bounded "flow-parse -o into a folder it may not write exits 74" 10 300 74 \
  "${as_user[@]}" "$bin/flow-parse" "$denied/w.yaml" -o "$denied/readonly/out.json"
expect "it says so" stderr_has "permission denied"
expect "the existing file is kept" sh -c "[ \"\$(cat '$denied/readonly/out.json')\" = previous ]"
expect "no temporary file is left" sh -c "[ \"\$(ls -A '$denied/readonly')\" = out.json ]"
bounded "an index folder it may not write resolves from memory" 10 300 0 \
  "${as_user[@]}" "$bin/flow-resolve" --catalog "$catalogue" houdini
expect "it says why" stderr_has "cannot write the catalogue index"
expect "it gives the answer" stdout_has '"name":"houdini"'
bounded "flow-exec in a workflow folder it may not write exits 125" 10 300 125 \
  "${as_user[@]}" "$bin/flow-exec" "$denied/w.yaml"
expect "it names the run folder" stderr_has "cannot create the run folder $denied/.flow/runs/"
expect "no stage ran" sh -c "[ ! -s '$scratch/out' ] && [ ! -e '$denied/.flow' ]"
chmod 755 "$denied"

finish
