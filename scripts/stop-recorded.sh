#!/bin/bash
# Stops daemons by the PIDs recorded in the given files (never by process name): SIGTERM
# to all at once, a wait of up to 15 s, then SIGKILL to what is left. Removes the files.
# usage: scripts/stop-recorded.sh PIDFILE...
pids=""
for file in "$@"; do
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  kill -0 "$pid" 2>/dev/null && { kill -TERM "$pid"; pids="$pids $pid"; }
  rm -f "$file"
done
for _ in $(seq 150); do
  left=""; for pid in $pids; do kill -0 "$pid" 2>/dev/null && left="$left $pid"; done
  [ -z "$left" ] && break; sleep 0.1
done
for pid in $pids; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"; done
exit 0
