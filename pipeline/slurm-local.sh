#!/bin/bash
# Starts a single-node Slurm (Debian's slurm-wlm, munge auth, no cgroups, no accounting) on this
# machine, so that test/pipeline/slurm-cluster.test.ts can submit the emitted array job with
# sbatch. Needs root. Idempotent: does nothing when sinfo already answers.
set -euo pipefail

if sinfo -h -o %a 2>/dev/null | grep -q up; then echo "slurm is already up"; exit 0; fi
if ! command -v slurmctld >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm >/dev/null
fi

NODE="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB="$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))"
mkdir -p /run/munge /var/spool/slurmd /var/spool/slurmctld /var/log/slurm
chown munge:munge /run/munge
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged

cat > /etc/slurm/slurm.conf <<CONF
# Single-node Slurm written by pipeline/slurm-local.sh (for tests).
ClusterName=local
SlurmctldHost=${NODE}
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
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
NodeName=${NODE} CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o %a 2>/dev/null | grep -q up; then echo "slurm is up on ${NODE} (${CPUS} CPUs)"; exit 0; fi
  sleep 1
done
echo "slurm did not come up; see /var/log/slurm/" >&2
exit 1
