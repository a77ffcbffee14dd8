#!/bin/sh
# Prints how many instructions a command runs (callgrind, whole process, standard output
# thrown away): a count that repeats where wall times on a shared machine do not. Prints
# nothing when valgrind is not installed.
# Usage: bench/instructions.sh COMMAND [ARGUMENT...]
command -v valgrind >/dev/null || exit 0
valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
  | sed -n 's/.*Collected : //p'
