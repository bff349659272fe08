#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (as root), for test/slurm-array.test.ts. Idempotent: a
# cluster already answering is left as it is; missing daemons are started in order (munged,
# slurmctld, slurmd). slurm.conf as in shared/NOTES.md. Exits 0 with a message where it cannot run
# (no slurm-wlm, not root): the test then says SKIPPED.
set -u
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then echo "slurm-up: slurm-wlm/munge not installed"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "slurm-up: not root, no cluster started"; exit 0; fi
node_state() { sinfo -h -N -o '%T' 2>/dev/null | head -1; }
case "$(node_state)" in idle|mixed|allocated|completing) echo "slurm-up: cluster already up ($(node_state))"; exit 0 ;; esac
H=$(hostname -s)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
conf=$(cat <<CONF
ClusterName=local
SlurmctldHost=$H
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
ReturnToService=2
NodeName=$H CPUs=$(nproc) RealMemory=20000 State=UNKNOWN
PartitionName=main Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
)
# keep a slurm.conf someone else wrote; write ours where there is none
[ -f /etc/slurm/slurm.conf ] || printf '%s\n' "$conf" > /etc/slurm/slurm.conf
[ -f /etc/munge/munge.key ] || { mkdir -p /etc/munge; (mungekey --create 2>/dev/null || create-munge-key -f 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null); chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
chown munge:munge /run/munge
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || su -s /bin/sh munge -c /usr/sbin/munged
running /run/slurmctld.pid || slurmctld
running /run/slurmd.pid || slurmd
for _ in $(seq 1 30); do
  case "$(node_state)" in idle|mixed|allocated) echo "slurm-up: cluster up ($(node_state))"; exit 0 ;; esac
  sleep 1
done
echo "slurm-up: the node did not come up: $(sinfo 2>&1 | tail -2)"; exit 0
