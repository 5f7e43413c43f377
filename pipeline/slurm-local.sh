#!/bin/bash
# A single-node Slurm on this machine (Debian's slurm-wlm: munge auth, no cgroups, no accounting,
# no systemd needed), for test/pipeline/slurm-cluster.test.ts or for trying the array job by hand.
#   bash pipeline/slurm-local.sh [start]   installs slurm-wlm if missing, starts what is not running
#   bash pipeline/slurm-local.sh stop      stops only the daemons that start started
# Needs root. Does nothing when sinfo already answers.
set -euo pipefail

STATE=/run/ifs-slurm-local.started
CONF=/etc/slurm/slurm.conf
MARK="# Single-node Slurm written by pipeline/slurm-local.sh"
declare -A PIDFILE=([munged]=/run/munge/munged.pid [slurmctld]=/run/slurmctld.pid [slurmd]=/run/slurmd.pid)

need_root() {
  if [ "$(id -u)" != 0 ]; then echo "slurm-local.sh: needs root (sudo bash pipeline/slurm-local.sh $1)" >&2; exit 1; fi
}

stop() {
  need_root stop
  if [ ! -f "$STATE" ]; then echo "slurm-local.sh: started nothing, so stops nothing"; return 0; fi
  # In reverse order of starting: slurmd, slurmctld, then munged (the others authenticate with it).
  for daemon in $(tac "$STATE"); do
    pidfile="${PIDFILE[$daemon]}"
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "stopped $daemon (pid $pid)"
    fi
  done
  rm -f "$STATE"
  if [ -f "$CONF.before-slurm-local" ]; then mv "$CONF.before-slurm-local" "$CONF"; fi
}

start() {
  need_root start
  if sinfo -h -o %a 2>/dev/null | grep -q up; then echo "slurm is already up"; return 0; fi
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm-local.sh: installing slurm-wlm with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  fi

  local node cpus mem_mb
  node="$(hostname -s)"
  cpus="$(nproc)"
  # Half the memory: the node must not promise the tasks what the rest of the machine uses.
  mem_mb="$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))"
  mkdir -p /run/munge /var/spool/slurmd /var/spool/slurmctld /var/log/slurm /etc/slurm
  chown munge:munge /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  fi
  # A configuration of someone else's is put back by stop.
  if [ -f "$CONF" ] && ! head -1 "$CONF" | grep -qF "$MARK"; then mv "$CONF" "$CONF.before-slurm-local"; fi
  cat > "$CONF" <<CONF
${MARK} (for tests).
ClusterName=local
SlurmctldHost=${node}
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=${PIDFILE[slurmctld]}
SlurmdPidFile=${PIDFILE[slurmd]}
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# A cancelled task gets SIGTERM, then SIGKILL this many seconds later.
KillWait=10
# Finished jobs are forgotten after 5 s (default 300): sbatch --wait then polls every 2 s instead
# of backing off to 32 s, which would make the tests wait for nothing.
MinJobAge=5
NodeName=${node} CPUs=${cpus} RealMemory=${mem_mb} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

  # The daemons detach; their stdio goes to files so that no caller's pipe stays open.
  local daemon
  for daemon in munged slurmctld slurmd; do
    if pgrep -x "$daemon" >/dev/null; then continue; fi
    if [ "$daemon" = munged ]; then
      runuser -u munge -- /usr/sbin/munged </dev/null >>/var/log/slurm/munged.stdio 2>&1
    else
      "$daemon" </dev/null >>"/var/log/slurm/$daemon.stdio" 2>&1
    fi
    echo "$daemon" >> "$STATE"
  done
  for _ in $(seq 1 60); do
    if sinfo -h -o %a 2>/dev/null | grep -q up && sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "slurm is up on ${node} (${cpus} CPUs, ${mem_mb} MB)"
      return 0
    fi
    sleep 0.5
  done
  echo "slurm-local.sh: slurm did not come up; see /var/log/slurm/ (sinfo: $(sinfo 2>&1 | tr '\n' ' '))" >&2
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: bash pipeline/slurm-local.sh [start|stop]" >&2; exit 2 ;;
esac
