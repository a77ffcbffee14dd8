#!/bin/bash
# Hostile input: every case must end with a clear status (never a crash, a hang or a
# command run by accident) within a time and memory bound. Run by `make check`.
# FLOW_BIN names the folder of the built tools (default .build/debug).
set -uo pipefail
. "$(dirname "$0")/bounds.sh"
cd "$scratch"

# --- YAML: alias bombs and deep nesting ---------------------------------------------
{
  echo 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'
  for level in $(seq 1 12); do
    printf 'a%d: &a%d [' "$level" "$level"
    for _ in $(seq 1 10); do printf '*a%d, ' $((level - 1)); done
    echo 'x]'
  done
  echo 'stages: [{name: a, kwargs: {bomb: *a12}}]'
} >bomb.yaml
bounded "yaml alias bomb refused" 5 300 65 "$bin/flow-parse" bomb.yaml
expect "yaml alias bomb named" stderr_has "alias bomb"

head -c 200000 /dev/zero | tr '\0' '[' >deep-flow.yaml
bounded "yaml 200000 nested flow lists" 5 300 65 "$bin/flow-parse" deep-flow.yaml
expect "yaml deep flow nesting named" stderr_has "nesting deeper than"

awk 'BEGIN { for (i = 0; i < 5000; i++) { printf "%*s- \n", i * 2, "" } }' >deep-block.yaml
bounded "yaml 5000 nested block lists" 10 300 65 "$bin/flow-parse" deep-block.yaml

# --- JSON pipe document: deep nesting -----------------------------------------------
{ printf '{"flow":1,"source":"x","stages":'; head -c 100000 /dev/zero | tr '\0' '['; } >deep.json
bounded "pipe document 100000 nested arrays" 5 300 65 "$bin/flow-envfile" <deep.json

# --- .env: ten million lines, a 1 GB line -------------------------------------------
awk 'BEGIN { for (i = 0; i < 10000000; i++) print "KEY_" (i % 1000) "=value " i }' >lines.env
bounded "env 10 million lines" 200 3000 0 "$bin/flow-envfile" --no-env --format null lines.env
rm -f lines.env

# A 1 GiB value on one line, streamed into standard input, never written to disk:
# refused at the 512 MiB input limit, quickly and without reading the rest, holding no
# more than the limit and one 4 MiB chunk (640 MB leaves room for a debug build's own
# size; twice the limit would be over 1 GB).
{ printf 'LONG='; head -c 1073741824 /dev/zero | tr '\0' 'x'; echo; } \
  | bounded "env 1 GiB single line from a pipe" 30 640 74 \
    "$bin/flow-envfile" --no-env --dialect docker --format null -
expect "1 GiB line refused at the input limit" stderr_has "longer than 512 MiB"
{ printf 'stages: [{name: "'; head -c 1073741824 /dev/zero | tr '\0' 'x'; echo '"}]'; } \
  | bounded "yaml 1 GiB single line from a pipe" 30 640 74 "$bin/flow-parse" -
expect "yaml 1 GiB line refused at the input limit" stderr_has "longer than 512 MiB"
# A 1 GiB file (sparse: no disk used) is refused by its size, before anything is read,
# named or on standard input.
truncate -s 1G huge.env
bounded "env 1 GiB file refused before reading" 5 100 74 "$bin/flow-envfile" --no-env huge.env
expect "1 GiB file named in the refusal" stderr_has "huge.env: longer than 512 MiB"
bounded "env 1 GiB file on standard input refused before reading" 5 100 74 \
  "$bin/flow-envfile" --no-env - <huge.env
rm -f huge.env

# Sixty lines that each repeat the one before twice would expand to exabytes.
awk 'BEGIN { print "V0=0123456789abcdef"; for (i = 1; i <= 60; i++) printf "V%d=${V%d}${V%d}\n", i, i - 1, i - 1 }' >grow.env
for dialect in compose python; do
  bounded "env $dialect exponential expansion refused" 10 500 65 \
    "$bin/flow-envfile" --no-env --dialect "$dialect" --format null grow.env
  expect "env $dialect exponential expansion named" stderr_has "grow exponentially"
done
rm -f grow.env

# --- invalid UTF-8 and NUL bytes in every input kind ---------------------------------
printf 'stages:\n  - name: "a\xff"\n' >bad-utf8.yaml
printf 'stages:\n  - name: a\0b\n' >nul.yaml
bounded "yaml invalid UTF-8" 5 300 65 "$bin/flow-parse" bad-utf8.yaml
bounded "yaml NUL byte" 5 300 65 "$bin/flow-parse" nul.yaml
for dialect in compose python docker; do
  printf 'A=\xc3\x28\n' >bad-utf8.env
  printf 'A=x\0y\n' >nul.env
  bounded "env $dialect invalid UTF-8" 5 300 65 \
    "$bin/flow-envfile" --no-env --dialect "$dialect" bad-utf8.env
  bounded "env $dialect NUL byte" 5 300 65 "$bin/flow-envfile" --no-env --dialect "$dialect" nul.env
done
printf '{"flow":1,"source":"\xff","stages":[]}' >bad-utf8.json
printf '{"flow":1,"source":"a\\u0000b","stages":[]}' >nul.json
bounded "pipe document invalid UTF-8" 5 300 65 "$bin/flow-envfile" <bad-utf8.json
bounded "pipe document NUL escape" 5 300 0,65 "$bin/flow-envfile" <nul.json

# --- JSON pipe document edited by hand: every reader holds it to flow-parse's rules -----
# A 100000-stage chain closed into a cycle, every stage planned; a duplicate name at the
# end of as long a list; quantities near 2^63. Each reader refuses them (flow-exec with
# its own 125), never trapping or running nothing with status 0.
awk 'BEGIN { printf "{\"flow\":1,\"source\":\"/nonexistent/w.yaml\",\"stages\":["
  for (i = 0; i < 100000; i++) {
    printf "%s{\"name\":\"s%d\",\"type\":\"BashOperator\",\"kwargs\":{\"bash_command\":\"true\"},", (i ? "," : ""), i
    printf "\"needs\":[\"s%d\"],\"plan\":{\"order\":%d}}", (i + 99999) % 100000, i + 1
  }
  print "]}" }' >cycle.json
awk 'BEGIN { printf "{\"flow\":1,\"source\":\"/nonexistent/w.yaml\",\"stages\":["
  for (i = 0; i <= 100000; i++) printf "%s{\"name\":\"s%d\",\"needs\":[]}", (i ? "," : ""), (i < 100000 ? i : 0)
  print "]}" }' >duplicate.json
printf '{"flow":1,"source":"/x","stages":[{"name":"a","environment":{"resources":{"cpu":1e19,"memory":9000000000000000000}}}]}' >huge.json
# Every stage bad: 50000 names given twice, 100000 unknown needs. A reader stops at the
# first problem rather than telling (and locating) each.
awk 'BEGIN { printf "{\"flow\":1,\"source\":\"/x\",\"stages\":["
  for (i = 0; i < 100000; i++) printf "%s{\"name\":\"s%d\",\"needs\":[\"u%d\"]}", (i ? "," : ""), i % 50000, i
  print "]}" }' >many-bad.json
for tool in flow-envfile flow-resolve flow-sched "flow-exec --dry-run"; do
  status=65
  [ "$tool" = "flow-exec --dry-run" ] && status=125
  # shellcheck disable=SC2086
  bounded "pipe document cycle of 100000 stages: $tool" 30 600 $status $bin/$tool <cycle.json
  expect "pipe document cycle named: $tool" stderr_has "in a cycle: s0 -> s99999 -> s99998"
  # shellcheck disable=SC2086
  bounded "pipe document duplicate after 100000 stages: $tool" 30 600 $status $bin/$tool <duplicate.json
  expect "pipe document duplicate named: $tool" stderr_has "stages[100000].name: duplicate stage name 's0'"
  # shellcheck disable=SC2086
  bounded "pipe document quantities near 2^63: $tool" 5 300 $status $bin/$tool <huge.json
  expect "pipe document quantity bound named: $tool" stderr_has "is more than the limit of 1125899906842624 bytes"
  # shellcheck disable=SC2086
  bounded "pipe document of 100000 bad stages: $tool" 30 600 $status $bin/$tool <many-bad.json
  expect "pipe document first bad stage named: $tool" stderr_has "stages[50000].name: duplicate stage name 's0'"
done
printf '[packages."a\xff"."1.0"]\n' >bad-utf8.toml
printf '[packages.a."1.0"]\nlabel = "x\0y"\n' >nul.toml
bounded "catalogue invalid UTF-8" 5 300 78 \
  "$bin/flow-resolve" --catalog bad-utf8.toml --index "$scratch/index" a
bounded "catalogue NUL byte" 5 300 78 \
  "$bin/flow-resolve" --catalog nul.toml --index "$scratch/index" a
printf '[packages.a."1.0"]\n' >one.toml
bounded "spec invalid UTF-8" 5 300 64 \
  "$bin/flow-resolve" --catalog one.toml --index "$scratch/index" "$(printf 'a >=1\xff')"
# One version with 500 variants, each needing a version of b that does not exist but the
# last: ranking and trying them stays bounded.
{
  printf '[packages.a."1.0"]\nvariants = ['
  i=0
  while [ $i -lt 500 ]; do printf '["b ==%d", "c"],' $((i + 2)); i=$((i + 1)); done
  printf '["b ==1"]]\n[packages.b."1"]\n[packages.c."1"]\n'
} >variants.toml
bounded "catalogue of 500 variants" 30 600 0 \
  "$bin/flow-resolve" --catalog variants.toml --index "$scratch/variants-index" a

# --- values that look like commands are never run ------------------------------------
canary=$scratch/canary
cat >commands.env <<ENV
SUBSTITUTION=\$(touch $canary.1)
BACKTICKS=\`touch $canary.2\`
QUOTED="\$(touch $canary.3) \`touch $canary.4\`"
HOME_WIPE=\$(rm -rf ~)
SEMICOLON=a; touch $canary.5
ENV
for dialect in compose python docker; do
  for format in json sh dotenv docker make; do
    bounded "env $dialect values as $format run nothing" 5 300 0 \
      "$bin/flow-envfile" --no-env --dialect "$dialect" --format "$format" commands.env
  done
  # What the sh format prints is safe to evaluate: the values come back as written.
  "$bin/flow-envfile" --no-env --dialect "$dialect" --format sh commands.env >exports.sh
  expect "env $dialect sh output evaluates to the values" \
    env -i sh -c '. ./exports.sh && [ "$BACKTICKS" = "\`touch '"$canary"'.2\`" ]'
done
# Images may not hold spaces: the commands are written without.
cat >commands.yaml <<'YAML'
stages:
  - name: "a;touch${IFS}canary.6|sh&&`touch${IFS}canary.7`"
    type: "$(touch canary.8)"
    kwargs: {bash_command: "`touch canary.9`"}
    environment:
      image: "img$(touch${IFS}canary.10);ls|sh:1"
      variables: {X: "$(rm -rf ~)", Y: "`touch canary.11`", Z: "a;touch canary.12"}
YAML
bounded "workflow with commands in every field" 5 300 0 "$bin/flow-parse" commands.yaml
expect "stage name kept verbatim" stdout_has '"name":"a;touch${IFS}canary.6|sh&&`touch${IFS}canary.7`"'
expect "image kept verbatim" stdout_has '"image":"img$(touch${IFS}canary.10);ls|sh:1"'
"$bin/flow-parse" commands.yaml | bounded "pipe with commands through flow-envfile" 5 300 0 \
  "$bin/flow-envfile" --no-env
expect "value kept verbatim through flow-envfile" stdout_has '"X":"$(rm -rf ~)"'
"$bin/flow-envfile" --no-env --set 'X=$(rm -rf ~)' --set 'Z=a;touch canary.12' --format sh >stage.sh
expect "sh output of --set values evaluates to the values" \
  env -i sh -c '. ./stage.sh && [ "$X" = "\$(rm -rf ~)" ] && [ "$Z" = "a;touch canary.12" ]'
expect "no command ran" sh -c "! ls '$canary'* canary* 2>/dev/null | grep -q ."

# --- shell metacharacters in paths and names -----------------------------------------
odd='odd dir $(touch x) `y` ; | & > < * ? [ ] ~ !'
mkdir -p "$odd"
printf 'A=1\n' >"$odd/v.env"
printf 'stages:\n  - name: s\n    environment:\n      variables: v.env\n' >"$odd/w.yaml"
bounded "workflow under a folder named with metacharacters" 5 300 0 "$bin/flow-parse" "$odd/w.yaml"
"$bin/flow-parse" "$odd/w.yaml" | bounded "env file under that folder read" 5 300 0 \
  "$bin/flow-envfile" --no-env
expect "env file value read through the odd path" stdout_has '"A":"1"'
expect "nothing created by the odd path" sh -c "[ ! -e x ] && [ ! -e '$odd/x' ]"

# --- ../ and symbolic links in .env paths --------------------------------------------
mkdir -p project/sub shared
printf 'FROM=parent\n' >shared/up.env
ln -s ../shared/up.env project/linked.env
ln -s loop-b.env project/loop-a.env
ln -s loop-a.env project/loop-b.env
ln -s /dev/zero project/zero.env
printf 'stages:\n  - name: s\n    environment:\n      variables: ../shared/up.env\n' \
  >project/up.yaml
(cd project/sub && "$bin/flow-parse" ../up.yaml) >up.json
bounded "../ in a .env path is read against the workflow's folder" 5 300 0 \
  "$bin/flow-envfile" --no-env <up.json
expect "../ resolved to the shared file" stdout_has '"FROM":"parent"'
bounded "symbolic link to a .env file" 5 300 0 "$bin/flow-envfile" --no-env project/linked.env
bounded "symbolic link loop" 5 300 66,74 "$bin/flow-envfile" --no-env project/loop-a.env
expect "symbolic link loop named" stderr_has "loop-a.env"
bounded "endless .env (a link to /dev/zero)" 30 640 74 \
  "$bin/flow-envfile" --no-env project/zero.env
expect "endless .env refused at the input limit" stderr_has "longer than 512 MiB"

# --- catalogues: a million versions, a cycle; a long spec -----------------------------
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "[packages.p.\"1.%d.%d\"]\n", i / 1000, i % 1000 }' \
  >million.toml
# Compiled entry by entry (about 17 s and 410 MB on a debug build, 4 s and 400 MB on a
# release one): the bound leaves room for slower machines, not for a return to whole trees.
bounded "catalogue with a million versions of one package" 60 800 0 \
  "$bin/flow-resolve" --catalog million.toml --index "$scratch/million.index" 'p >=1.500'
expect "the newest version chosen" stdout_has '"1.999.999"'
rm -f million.toml "$scratch/million.index"
cat >cycle.toml <<'TOML'
[packages.a."1.0"]
requires = ["b"]
[packages.b."1.0"]
requires = ["c >=1"]
[packages.c."1.0"]
requires = ["a ==1.0"]
[packages.c."2.0"]
requires = ["a >=2"]
TOML
bounded "dependency cycle in the catalogue" 5 300 0 \
  "$bin/flow-resolve" --catalog cycle.toml --index "$scratch/index" a
expect "the cycle resolved to c 1.0" stdout_has '"c"'
# ">=1.0", then 11110 times ",<9.00001", then ",<100": 100000 characters.
spec="a $(awk 'BEGIN { printf ">=1.0"; for (i = 0; i < 11110; i++) printf ",<9.00001"; printf ",<100" }')"
bounded "spec of 100000 characters" 20 500 0 \
  "$bin/flow-resolve" --catalog one.toml --index "$scratch/index" "$spec"
bounded "spec of 100000 opening parentheses" 20 500 64 \
  "$bin/flow-resolve" --catalog one.toml --index "$scratch/index" "a $(head -c 100000 /dev/zero | tr '\0' '(')"

# --- rez repositories: a literal nested too deep, a long requirement on many variants ---
rez_resolve=("$bin/flow-resolve" --catalog rez --syntax rez --index "$scratch/rez-index")
mkdir -p rez/deep/1.0 rez/deep/0.9 rez/wide/1.0 rez/x/1.0
{ printf 'requires = '; head -c 100000 /dev/zero | tr '\0' '['; echo; } >rez/deep/1.0/package.py
: >rez/deep/0.9/package.py
: >rez/x/1.0/package.py
# A requirement of a megabyte on 20,000 variants, which fails: the solver that explains the
# failure reads every variant, and the requirement's text is hashed once, not per variant.
{
  printf 'requires = ["'; head -c 1000000 /dev/zero | tr '\0' 'a'; printf '"]\nvariants = ['
  awk 'BEGIN { for (i = 0; i < 20000; i++) printf "[\"x\"],"; }'
  echo ']'
} >rez/wide/1.0/package.py
bounded "rez package.py nesting 100000 lists" 10 300 0 \
  "${rez_resolve[@]}" deep
expect "the version nested too deep skipped by name" stderr_has "more than 200 nested brackets"
expect "the other version chosen" stdout_has '"0.9"'
bounded "rez requirement of a megabyte on 20000 variants" 20 800 65 \
  "${rez_resolve[@]}" wide
# `_items = ["0","1",...]`: a package file's top-level list of N numbered items.
items_list() {
  printf '_items = ['; awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "\"%d\",", i }'
  echo ']'
}
# Blocks nested 2,000 deep (Python refuses more than 100), at the top level and in
# commands, and commands looping over a list of 1,000 items three loops deep (a billion
# rounds).
mkdir -p rez/blocks/1.0 rez/blocks/0.9 rez/loops/1.0
awk 'BEGIN { print "import platform"; for (i = 0; i <= 2000; i++) { for (j = 0; j < i; j++)
  printf " "; print (i < 2000 ? "if platform.system() == \"Linux\":" : "requires = [\"x\"]") } }' \
  >rez/blocks/1.0/package.py
awk 'BEGIN { print "def commands():"; for (i = 1; i <= 2001; i++) { for (j = 0; j < i; j++)
  printf " "; print (i <= 2000 ? "for x" i " in [\"a\"]:" : "env.X = \"y\"") } }' \
  >rez/blocks/0.9/package.py
{
  items_list 1000
  printf 'def commands():\n    for a in this._items:\n        for b in this._items:\n'
  printf '            for c in this._items:\n                env.X = a + b + c\n'
} >rez/loops/1.0/package.py
bounded "rez package.py blocks nested 2000 deep" 20 300 0 \
  "${rez_resolve[@]}" blocks
expect "the version nested too deep skipped at its place" \
  stderr_has "package.py:103:1: blocks nested deeper than Python allows"
expect "the commands nested too deep left out" stderr_has "command not read, left out: blocks"
expect "the other version chosen" stdout_has '"0.9"'
bounded "rez commands looping a billion rounds" 20 300 0 \
  "${rez_resolve[@]}" loops
expect "the loops past the limit left out" stderr_has "left out: for c in this._items:"
# A field's @early() function nested 2,000 deep, and one looping a billion rounds to
# build its list: the version is skipped, named, and the other one chosen.
mkdir -p rez/early/1.0 rez/early/0.9 rez/early/0.8
awk 'BEGIN { print "@early()\ndef requires():"; for (i = 1; i <= 2001; i++) { for (j = 0; j < i; j++)
  printf "    "; print (i <= 2000 ? "if True:" : "return [\"x\"]") } }' >rez/early/1.0/package.py
{
  items_list 1000
  printf '@early()\ndef variants():\n    result = []\n    for a in _items:\n'
  printf '        for b in _items:\n            for c in _items:\n'
  printf '                result.append([a + b + c])\n    return result\n'
} >rez/early/0.9/package.py
: >rez/early/0.8/package.py
bounded "rez @early() functions nested 2000 deep and looping a billion rounds" 20 300 0 \
  "${rez_resolve[@]}" early
expect "the function nested too deep names its line" \
  stderr_has "line 103 is not read: blocks nested deeper than Python allows"
expect "the loops past the limit name theirs" stderr_has "line 7 is not read: for c in _items:"
expect "the plain version chosen" stdout_has '"0.8"'
# List comprehensions over a list of 20,000 items, nested (400 million items) and written
# a thousand times: what their work would cost past the limit leaves them unknown. The
# bound counts compiling the whole repository so far (the loops above too): 14.6 s of
# processor time in one debug run, 21.1 s in a CI run of the same commit.
mkdir -p rez/comprehensions/1.0 rez/comprehensions/0.9
{
  items_list 20000
  awk 'BEGIN { for (i = 0; i < 1000; i++) print "_copy" i " = [x + \"-\" for x in _items]" }'
  printf '@early()\ndef requires():\n    return [[x + y for y in _items] for x in _items]\n'
} >rez/comprehensions/1.0/package.py
: >rez/comprehensions/0.9/package.py
bounded "rez list comprehensions of 400 million items" 40 300 0 \
  "${rez_resolve[@]}" comprehensions
expect "the comprehension past the limit names its line" \
  stderr_has "line 1004 is not read: return [[x + y for y in _items] for x in _items]"
expect "the plain version chosen" stdout_has '"0.9"'
rm -rf rez "$scratch/rez-index"
# Functions the commands define: one calling itself twice at each call (2^32 calls down
# to the deepest nesting), and one appending to a variable, called 20,000 times in a loop;
# then a `while` loop that never ends.
mkdir -p rez/calls/1.0
{
  items_list 20000
  printf 'def commands():\n    def twice(n):\n        twice(n)\n        twice(n)\n'
  printf '        env.TWICE.append(n)\n    twice("x")\n'
  printf '    def add(p):\n        env.ADDED.append(p)\n'
  printf '    for item in this._items:\n        add(item)\n'
  printf '    while True:\n        env.SPIN.append("a")\n'
} >rez/calls/1.0/package.py
bounded "rez commands calling functions 2^32 and 20000 times, looping forever" 20 300 0 \
  "${rez_resolve[@]}" calls
expect "the calls past the limit left out by line" stderr_has "left out: add(item)"
expect "the endless loop left out" stderr_has "left out: while True:"
rm -rf rez "$scratch/rez-index"
# Tests of the environment on 20,000 variables in turn, each guarding a change, twice
# over: the conditions the changes pile up on one variable stop at their limit.
mkdir -p rez/tests/1.0 rez/testing/1.0
{
  items_list 20000
  printf 'def commands():
    for item in this._items:
        if defined("V" + item):
'
  printf '            env.SEEN.append(item)
        else:
            env.UNSEEN.prepend(item)
'
  printf '    if defined("SEEN"):
        env.AFTER = "1"
'
} >rez/tests/1.0/package.py
cp rez/tests/1.0/package.py rez/testing/1.0/package.py
printf 'requires = ["tests"]\n' >>rez/testing/1.0/package.py
bounded "rez commands testing 20000 variables, in two packages" 20 1000 0 \
  "${rez_resolve[@]}" testing
expect "the test past the limit left out" stderr_has 'left out: if defined("SEEN"):'
rm -rf rez "$scratch/rez-index"

# --- Data that must stay data: images, mount folders, Makefile text, stage names, files --
# An image that is an option, a workflow whose folder is /, a document path that is shell
# code in a Makefile, names that clash or are too long for a file, and files replaced by
# -o and --history: each ends in a clear refusal or a safe run, nothing run by accident.
stage_doc() { # SOURCE NAME IMAGE: a pipe document of one stage that touches "ran"
  local image=""
  [ -n "$3" ] && image="\"image\": \"$3\", "
  printf '{"flow":1,"source":"%s","stages":[{"name":"%s","type":"BashOperator","needs":[],' "$1" "$2"
  printf '"kwargs":{"bash_command":"touch ran"},"environment":{%s"variables":{"merged":{}}}}]}\n' "$image"
}
stage_doc "$scratch/w.yaml" boxed --privileged >privileged.json
bounded "an image named --privileged is refused" 5 300 125 \
  "$bin/flow-exec" --dry-run --engine podman privileged.json
expect "the refusal names the stage and the image" \
  stderr_has "stages[0].environment.image: image '--privileged' must not start with '-'"
stage_doc /w.yaml boxed localhost/flow-test:1 >root-folder.json
bounded "a workflow at / is never mounted" 5 300 125 \
  "$bin/flow-exec" --dry-run --engine podman root-folder.json
expect "the refusal says how to fix it" stderr_has "put the workflow in a folder of its own"
mkdir -p make-case
stage_doc "$scratch/make-case/w.yaml" '$(touch by-name)' "" >'make-case/p $(touch by-path) `touch x` #;%:.json'
bounded "a makefile from a hostile document path and stage name" 5 300 0 \
  "$bin/flow-sched" --cpus 1 --memory 1Gi --gpus 0 --format make -o make-case/Makefile \
  -- "$scratch"/make-case/*.json
bounded "make runs the hostile makefile" 20 300 0 make -s -C make-case FLOW_EXEC="$bin/flow-exec"
expect "the stage ran" test -e make-case/ran
expect "nothing in the path or name ran" no_file make-case/by-path
expect "nothing in the stage name ran" no_file make-case/by-name
# 200 bytes, the longest name the readers take (a longer one is refused by every reader).
long=$(head -c 200 /dev/zero | tr '\0' n)
stage_doc "$scratch/w.yaml" "$long" "" >long-name.json
bounded "a 200-character stage name runs and has a log" 5 300 0 "$bin/flow-exec" long-name.json
expect "its log name fits a file name" test -n "$(find .flow/runs/latest/logs/ -name 'nnnn*-*.log')"
# Names may hold '/' and '..' (fasthep-flow's own do): the log stays in the log folder.
mkdir -p escape-case
stage_doc "$scratch/escape-case/w.yaml" "../../escaped" "" >escape-case/name.json
bounded "a stage named ../../escaped runs" 5 300 0 "$bin/flow-exec" escape-case/name.json
expect "its log is in the log folder" \
  test -n "$(find escape-case/.flow/runs/latest/logs/ -name '*escaped-*.log')"
expect "nothing was written outside it" \
  test -z "$(find . -name '*escaped*' -not -path './escape-case/.flow/runs/*/logs/*')"
printf 'SECRET=1\n' >secret.env && chmod 600 secret.env
bounded "-o over a 0600 file" 5 300 0 "$bin/flow-envfile" --no-env -o secret.env secret.env
expect "the file stays 0600" test "$(stat -c %a secret.env)" = 600
printf 'my notes\n' >notes.txt
bounded "--history naming a file that is not a history" 5 300 0 \
  "$bin/flow-exec" --history notes.txt long-name.json
expect "the file is left as it is" test "$(cat notes.txt)" = "my notes"

finish
