#!/bin/bash
# A throw-away Dask scheduler and one worker on 127.0.0.1, for tests. Every listener,
# dashboards included, binds 127.0.0.1; run it inside a private network namespace anyway
# (scripts/netns-run.sh).
#   scripts/dask-localcluster.sh start    # prints: export DASK_SCHEDULER_ADDRESS=...
#   scripts/dask-localcluster.sh stop     # SIGTERM by recorded PID, then SIGKILL
# Knobs: DASK_TEST_DIR (default /tmp/dask-test), DASK_TEST_PORT (18786),
#        DASK_TEST_RESOURCES (GPU=1,MEMORY=2e9,licence=1), DASK_TEST_THREADS (2),
#        DASK_TEST_PYTHON (python3).
set -euo pipefail
DIR=${DASK_TEST_DIR:-/tmp/dask-test}
PORT=${DASK_TEST_PORT:-18786}
RESOURCES=${DASK_TEST_RESOURCES:-GPU=1,MEMORY=2e9,licence=1}
THREADS=${DASK_TEST_THREADS:-2}
PYTHON=${DASK_TEST_PYTHON:-python3}
ADDRESS=tcp://127.0.0.1:$PORT

log() { echo "[dask-localcluster] $*" >&2; }

cmd_start() {
  mkdir -p "$DIR/run" "$DIR/log" "$DIR/worker"
  # A task whose worker dies fails at once (KilledWorker), so flow-exec sees the loss.
  DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0 \
    "$PYTHON" -m distributed.cli.dask_scheduler --host 127.0.0.1 --port "$PORT" \
    --dashboard-address "127.0.0.1:$((PORT + 1))" >"$DIR/log/scheduler.log" 2>&1 &
  echo $! >"$DIR/run/scheduler.pid"
  # The worker's environment is the caller's, without this script's own knobs.
  env -u DASK_TEST_DIR -u DASK_TEST_PORT -u DASK_TEST_RESOURCES -u DASK_TEST_THREADS \
    -u DASK_TEST_PYTHON "$PYTHON" -m distributed.cli.dask_worker "$ADDRESS" --host 127.0.0.1 \
    --dashboard-address 127.0.0.1:0 --nworkers 1 --nthreads "$THREADS" \
    --resources "$RESOURCES" --local-directory "$DIR/worker" >"$DIR/log/worker.log" 2>&1 &
  echo $! >"$DIR/run/worker.pid"
  local ready=""
  for _ in $(seq 300); do
    ready=$("$PYTHON" - "$ADDRESS" <<'PY' 2>/dev/null || true
import sys
from distributed import Client
with Client(sys.argv[1], timeout="2s") as client:
    print(len(client.scheduler_info()["workers"]))
PY
)
    [ "$ready" = 1 ] && break
    sleep 0.2
  done
  if [ "$ready" != 1 ]; then
    log "dask did not become ready"; tail -n 20 "$DIR"/log/*.log >&2; cmd_stop; exit 1
  fi
  echo "export DASK_SCHEDULER_ADDRESS=$ADDRESS"
}

cmd_stop() {
  "$(dirname "$0")/stop-recorded.sh" "$DIR/run/worker.pid" "$DIR/run/scheduler.pid"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
