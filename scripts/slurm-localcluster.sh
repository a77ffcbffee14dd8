#!/bin/bash
# slurm-localcluster.sh: a throw-away single-node Slurm cluster on 127.0.0.1 for CI tests.
# Tested on Debian 12 (Slurm 22.05.8, munge 0.5.15), no systemd, no cgroups needed.
#
#   sudo ./slurm-localcluster.sh install        # apt packages (add ACCOUNTING=1 for sacct)
#   sudo ./slurm-localcluster.sh start          # prints: export SLURM_CONF=...
#   ./slurm-localcluster.sh smoke               # sbatch/srun/squeue/scontrol (+sacct) checks
#   sudo ./slurm-localcluster.sh stop [--wipe]
#
# Everything lives in $SLURM_TEST_DIR (default /tmp/slurm-test); nothing in /etc is touched.
# Run start as root so slurmd can run jobs as any submitting user. As a non-root user it also
# works, but then every daemon runs as that user and only that user's jobs can run.
# Environment knobs (same values for start/stop/smoke):
#   SLURM_TEST_DIR=/tmp/slurm-test  SLURM_TEST_CTLPORT=16817 SLURM_TEST_DPORT=16818
#   SLURM_TEST_DBDPORT=16819 SLURM_TEST_SQLPORT=16820  SLURM_TEST_CPUS=$(nproc)
#   SLURM_TEST_MEM=<MiB>  SLURM_TEST_GPUS=2 (fake GPUs as gres/gpu, 0 = none)
#   ACCOUNTING=1  -> also MariaDB + slurmdbd so that sacct works (slower: ~+6 s, +27 MB)
#   SLURM_TEST_LOOPBACK_ONLY=1 -> CommunicationParameters=NoInAddrAny: slurmd/srun bind
#        127.0.0.1 instead of 0.0.0.0 (slurmctld/slurmdbd 22.05 bind 0.0.0.0 regardless).
#        Needs the machine's hostname to resolve (slurmd fails to start otherwise).
set -euo pipefail
DIR=${SLURM_TEST_DIR:-/tmp/slurm-test}
CTLPORT=${SLURM_TEST_CTLPORT:-16817}
DPORT=${SLURM_TEST_DPORT:-16818}
DBDPORT=${SLURM_TEST_DBDPORT:-16819}
SQLPORT=${SLURM_TEST_SQLPORT:-16820}
ACCT=${ACCOUNTING:-${SLURM_TEST_ACCOUNTING:-0}}
ME=$(id -un)
DAEMONS="slurmd slurmctld slurmdbd mariadbd munged"   # stop order

log() { echo "[slurm-localcluster] $*" >&2; }

cmd_install() {
  local pkgs="slurm-wlm munge"
  [ "$ACCT" = 1 ] && pkgs="$pkgs slurmdbd mariadb-server"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  # postinst scripts try to start services; without systemd/with policy-rc.d that is a no-op
  timeout 900 apt-get install -y -qq --no-install-recommends ${APT_OPTS:-} $pkgs >/dev/null
}

bg() {  # bg NAME CMD... : run CMD in the background, remember its PID
  local name=$1; shift
  nohup "$@" >"$DIR/log/$name.out" 2>&1 &
  echo $! > "$DIR/run/$name.pid.bg"
}
alive() { kill -0 "$(cat "$DIR/run/$1.pid.bg" 2>/dev/null)" 2>/dev/null; }
fail() {
  log "$*"
  for f in "$DIR"/log/*.out "$DIR"/log/*.err; do [ -f "$f" ] && { echo "== $f" >&2; tail -n 20 "$f" >&2; }; done
  cmd_stop
  exit 1
}

cmd_start() {
  local CPUS=${SLURM_TEST_CPUS:-$(nproc)}
  local MEM=${SLURM_TEST_MEM:-$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 512 ))}
  local GPUS=${SLURM_TEST_GPUS:-2}
  for d in $DAEMONS; do
    alive $d && { log "$d already running (pid $(cat "$DIR/run/$d.pid.bg")); stop first"; exit 1; }
  done
  mkdir -p "$DIR"/{state,spool/slurmd-localhost,run,log,munge,dev,jobs}
  chmod 0755 "$DIR" "$DIR/munge"; chmod 1777 "$DIR/jobs"

  # fake GPUs. Slurm 22.05 drops GPU gres without File=, and File= must be a char/block
  # device. As root: mknod nvidia-like nodes (major 195) in our dir; otherwise reuse harmless
  # existing char devices. Nothing opens them; jobs just get CUDA_VISIBLE_DEVICES=0,1,...
  local GRES="" i
  if [ "$GPUS" -gt 0 ]; then
    for ((i = 0; i < GPUS; i++)); do
      [ -c "$DIR/dev/nvidia$i" ] || mknod "$DIR/dev/nvidia$i" c 195 "$i" 2>/dev/null || true
    done
    if [ -c "$DIR/dev/nvidia$((GPUS - 1))" ] && [ "${SLURM_TEST_GRES_MODE:-mknod}" = mknod ]; then
      GRES="NodeName=localhost Name=gpu File=$DIR/dev/nvidia[0-$((GPUS - 1))]"
    else
      local devs=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom)
      [ "$GPUS" -le ${#devs[@]} ] || fail "at most ${#devs[@]} fake GPUs without mknod"
      for ((i = 0; i < GPUS; i++)); do GRES+="NodeName=localhost Name=gpu File=${devs[$i]}"$'\n'; done
    fi
  fi

  # munge with a private key and socket (never /etc/munge, /run/munge)
  [ -s "$DIR/munge/munge.key" ] || dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$DIR/munge/munge.key"
  local SOCK="$DIR/munge/munge.sock"
  bg munged munged -F --force --socket="$SOCK" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed"
  for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
  timeout 5 munge --socket="$SOCK" -n | timeout 5 unmunge --socket="$SOCK" >/dev/null || fail "munge not working"

  local ACCTSTORAGE=accounting_storage/none ACCTGATHER=jobacct_gather/none
  [ "$ACCT" = 1 ] && { ACCTSTORAGE=accounting_storage/slurmdbd; ACCTGATHER=jobacct_gather/linux; }
  cat > "$DIR/slurm.conf" <<EOF
ClusterName=localcluster
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=$ME
SlurmdUser=$ME
SlurmctldPort=$CTLPORT
SlurmdPort=$DPORT
AuthType=auth/munge
AuthInfo=socket=$SOCK
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd-%n
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd-%n.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroups: plain /proc process tracking, no CPU binding, --mem is not enforced
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=$ACCTGATHER
AccountingStorageType=$ACCTSTORAGE
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
SchedulerParameters=sched_interval=1
# keep finished jobs visible to scontrol/squeue -t all for 5 minutes (no sacct without slurmdbd)
MinJobAge=300
# jobs that ask no memory reserve a little per CPU, not the whole node
DefMemPerCPU=${SLURM_TEST_DEFMEM:-100}
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
EOF
  [ "${SLURM_TEST_LOOPBACK_ONLY:-0}" = 1 ] && cat >> "$DIR/slurm.conf" <<EOF
# slurmd/srun bind 127.0.0.1 instead of 0.0.0.0 (slurmctld/slurmdbd 22.05 still bind 0.0.0.0);
# slurmd then resolves the machine's hostname and fails to start if it does not resolve
CommunicationParameters=NoInAddrAny
EOF
  if [ "$GPUS" -gt 0 ]; then
    echo "GresTypes=gpu" >> "$DIR/slurm.conf"
    echo "NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM Gres=gpu:$GPUS State=UNKNOWN" >> "$DIR/slurm.conf"
  else
    echo "NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN" >> "$DIR/slurm.conf"
  fi
  echo "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP" >> "$DIR/slurm.conf"
  printf "%s\n" "$GRES" > "$DIR/gres.conf"
  export SLURM_CONF="$DIR/slurm.conf"

  if [ "$ACCT" = 1 ]; then
    cat >> "$DIR/slurm.conf" <<EOF
AccountingStorageHost=localhost
AccountingStoragePort=$DBDPORT
# the slurmctld->slurmdbd connection ignores AuthInfo; it takes the munge socket from here
AccountingStoragePass=$SOCK
AccountingStorageTRES=gres/gpu
JobAcctGatherFrequency=5
EOF
    if [ ! -d "$DIR/db/mysql" ]; then
      mkdir -p "$DIR/db"
      timeout 120 mariadb-install-db --no-defaults --datadir="$DIR/db" --user="$ME" \
        --auth-root-authentication-method=normal --skip-test-db >"$DIR/log/mariadb-install.out" 2>&1 \
        || fail "mariadb-install-db failed"
    fi
    bg mariadbd mariadbd --no-defaults --datadir="$DIR/db" --user="$ME" --bind-address=127.0.0.1 \
      --port="$SQLPORT" --socket="$DIR/run/mysql.sock" --pid-file="$DIR/run/mariadbd.pid" \
      --log-error="$DIR/log/mariadbd.err" --skip-name-resolve
    for i in $(seq 150); do
      mariadb-admin --no-defaults --socket="$DIR/run/mysql.sock" -uroot ping >/dev/null 2>&1 && break
      alive mariadbd || fail "mariadbd died"; sleep 0.1
    done
    mariadb --no-defaults --socket="$DIR/run/mysql.sock" -uroot -e \
      "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" \
      || fail "could not create the slurm DB user"
    # slurmdbd has no -f option: it reads slurmdbd.conf next to \$SLURM_CONF; must be 0600
    cat > "$DIR/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$SOCK
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBDPORT
SlurmUser=$ME
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$SQLPORT
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$DIR/slurmdbd.conf"
    bg slurmdbd slurmdbd -D
    for i in $(seq 300); do
      alive slurmdbd || fail "slurmdbd died"
      grep -q 'slurmdbd version .* started' "$DIR/log/slurmdbd.log" 2>/dev/null && break
      sleep 0.1
    done
  fi

  # daemons in the foreground (-D), backgrounded by us so that we know their PIDs.
  # slurmd -N localhost: node name independent of the machine's hostname.
  bg slurmctld slurmctld -D -i -f "$SLURM_CONF"
  bg slurmd slurmd -D -N localhost -f "$SLURM_CONF"
  local st=""
  for i in $(seq 300); do
    for d in munged slurmctld slurmd; do alive $d || fail "$d died"; done
    st=$(timeout 5 sinfo -h -N -o '%t' 2>/dev/null | head -1 || true)
    [ "$st" = "idle" ] && break
    sleep 0.1
  done
  [ "$st" = "idle" ] || fail "slurm did not become ready (node state: '$st')"
  echo "export SLURM_CONF=$SLURM_CONF"
}

cmd_stop() {
  if [ -f "$DIR/slurm.conf" ] && alive slurmctld; then   # cancel leftover jobs first
    export SLURM_CONF="$DIR/slurm.conf"
    local jobs; jobs=$(timeout 5 squeue -h -o %A 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      timeout 10 scancel $jobs || true
      for i in $(seq 100); do [ -z "$(timeout 5 squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.1; done
    fi
  fi
  # by recorded PID only, never by process name. Each daemon needs ~2 s to exit on SIGTERM,
  # so all of them are signalled at once before the wait.
  local d files=()
  for d in $DAEMONS; do files+=("$DIR/run/$d.pid.bg"); done
  "$(dirname "$0")/stop-recorded.sh" "${files[@]}"
  if [ "${1:-}" = "--wipe" ]; then rm -rf "$DIR"; fi
  return 0
}

wait_gone() {  # poll until job $1 has left the queue (faster than sbatch --wait, which polls
  local i      # every 2 s, then with growing intervals up to 10 s)
  for i in $(seq 600); do [ -z "$(timeout 5 squeue -h -j "$1" -o %T 2>/dev/null)" ] && return 0; sleep 0.1; done
  return 1
}

cmd_smoke() {   # exercises what a workflow launcher needs; exits non-zero on any mismatch
  export SLURM_CONF="$DIR/slurm.conf"
  local out="$DIR/jobs" j rc
  # 1) batch job with separate stdout/stderr, resources, then state + exit code after the fact
  #    (scontrol works without accounting until MinJobAge expires; sacct needs slurmdbd)
  j=$(timeout 10 sbatch --parsable --mem=100M --cpus-per-task=1 -J smoke1 \
        -o "$out/%j.out" -e "$out/%j.err" --wrap 'echo hi; echo oops >&2; exit 3')
  wait_gone "$j" || { log "job $j did not finish"; return 1; }
  [ "$(cat "$out/$j.out")" = hi ] && [ "$(cat "$out/$j.err")" = oops ] || { log "bad job output"; return 1; }
  timeout 10 scontrol show job "$j" | grep -q 'JobState=FAILED' || { log "scontrol state"; return 1; }
  timeout 10 scontrol show job "$j" | grep -q 'ExitCode=3:0' || { log "scontrol exit code"; return 1; }
  # 2) srun propagates the exit code
  set +e; timeout 60 srun --mem=10M -n1 bash -c 'exit 7' 2>/dev/null; rc=$?; set -e
  [ "$rc" = 7 ] || { log "srun rc=$rc, want 7"; return 1; }
  # 3) fake GPU gres: the job gets CUDA_VISIBLE_DEVICES
  if timeout 5 sinfo -h -o %G | grep -q gpu; then
    rc=$(timeout 60 srun --gres=gpu:1 --mem=10M bash -c 'echo "$CUDA_VISIBLE_DEVICES"')
    [ "$rc" = 0 ] || { log "gpu job saw CUDA_VISIBLE_DEVICES='$rc'"; return 1; }
  fi
  # 4) running job shows in squeue, scancel works
  j=$(timeout 10 sbatch --parsable --mem=10M -o /dev/null --wrap 'sleep 300')
  for i in $(seq 50); do [ "$(timeout 5 squeue -h -j "$j" -o %T)" = RUNNING ] && break; sleep 0.1; done
  timeout 10 scancel "$j"; wait_gone "$j"
  timeout 10 scontrol show job "$j" | grep -q 'JobState=CANCELLED' || { log "cancel"; return 1; }
  # 5) sacct, if accounting is on
  if grep -q '^AccountingStorageType=accounting_storage/slurmdbd' "$SLURM_CONF"; then
    for i in $(seq 50); do
      timeout 10 sacct -X -n -P -j "$j" -o State 2>/dev/null | grep -q CANCELLED && break; sleep 0.2
    done
    timeout 10 sacct -X -n -P -j "$j" -o State | grep -q CANCELLED || { log "sacct"; return 1; }
  fi
  log "smoke test passed"
}

case "${1:-}" in
  install) cmd_install ;;
  start)   cmd_start ;;
  stop)    shift; cmd_stop "${1:-}" ;;
  smoke)   cmd_smoke ;;
  *) echo "usage: $0 install|start|stop [--wipe]|smoke" >&2; exit 2 ;;
esac
