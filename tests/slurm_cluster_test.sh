#!/usr/bin/env bash
# scripts/slurm-sweep on a real Slurm cluster: a single node, started here
# with its own slurm.conf, munge key and ports in a temporary folder (Debian's
# slurm-wlm and munge, which scripts/setup installs), stopped on exit.
#
#   tests/slurm_cluster_test.sh DISTRICTSIM
#
# It checks, in about two minutes:
#   - --cpus beyond the node's CPUs is refused before anything is submitted;
#   - the job array runs 3 shards and the merge job (afterany) waits for
#     them: shard 1 is cancelled (scancel) and shard 2 runs past its time
#     limit; inside both, the interruption hint names DIR.slurm/resume;
#   - DIR.slurm/resume, run while shard 2 still runs, resubmits shard 1 alone
#     and replaces the waiting merge by one after the new and running jobs;
#   - that merge runs when shard 2 has timed out and fails at once (it does
#     not hang), naming shard 2 and the resume command;
#   - DIR.slurm/resume --time=10 resubmits shard 2, and the merge completes:
#     the merged files equal the sweep run on this machine, byte for byte,
#     and its manifest sums the shards' resumed runs;
#   - logs are appended across resubmissions, a merge run again after the
#     merge succeeded leaves results and log intact, and --mem, --account and
#     extra sbatch options reach the jobs.
# Exit 77 (ctest: skipped) only where this machine cannot run the daemons:
# not root, or a daemon that will not start (its log is shown).
set -euo pipefail
bin="$(realpath "$1")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
SKIP=77
skip() {
  echo "SKIPPED: $* (a real Slurm cluster cannot run here)"
  exit "$SKIP"
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

((EUID == 0)) || skip "not root: slurmctld, slurmd and munged are started as root"
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$tool" >/dev/null || fail "$tool is missing: scripts/setup installs slurm-wlm and munge"
done

t0=$SECONDS
work="$(mktemp -d)"
chmod 755 "$work"  # jobs run as root, but the daemons check their folders
pids=()
shard2_pid=""
stop_cluster() {
  local rc=$?
  # Jobs first, while slurmd and munged are there to end them (a slurmstepd
  # whose slurmd is gone waits for it forever).
  if [[ -f "$work/slurm.conf" ]] && ((${#pids[@]} > 2)); then
    export SLURM_CONF="$work/slurm.conf"
    scancel --quiet --user=root 2>/dev/null || true
    for _ in $(seq 100); do
      [[ -z "$(squeue -h 2>/dev/null)" ]] && break
      [[ -n "$shard2_pid" ]] && { kill -CONT "$shard2_pid" 2>/dev/null || true; }
      sleep 0.2
    done
  fi
  # The daemons this test started, by their ids, youngest first (munged
  # last: the others need it to shut down cleanly).
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[$i]}" 2>/dev/null || true
  done
  if ((rc != 0 && rc != SKIP)); then
    for f in "$work"/log/*.log "$work"/merged.slurm/logs/*.log; do
      [[ -f "$f" ]] && { echo "--- $f"; tail -n 25 "$f"; }
    done >&2
  fi
  rm -rf "$work"
}
trap stop_cluster EXIT

# --- the cluster ---------------------------------------------------------------
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
chmod 700 "$work/munge"
head -c 1024 /dev/urandom >"$work/munge/munge.key"
chmod 600 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/pid" --seed-file="$work/munge/seed" --log-file="$work/log/munged.log" \
  >"$work/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S "$work/munge/socket" ]] && break; sleep 0.1; done
[[ -S "$work/munge/socket" ]] || { cat "$work/log/munged.out" "$work/log/munged.log" 2>/dev/null; skip "munged did not start"; }

# Two free ports, so that nothing else on this machine (another run of this
# test, a real Slurm) is disturbed.
read -r ctld_port slurmd_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
host="$(hostname -s)"
# This machine as slurmd sees it (CPUs, sockets, cores, memory), as one node.
node="$(slurmd -C | sed -n 's/^NodeName=[^ ]* /NodeName='"$host"' /p')"
[[ -n "$node" ]] || fail "slurmd -C did not describe this machine"
cpus="$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")"
cat >"$work/slurm.conf" <<CONF
ClusterName=districtsim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=5
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [[ "$(sinfo -h -o '%t' 2>/dev/null)" == idle ]] && break
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null && continue
    cat "$work"/log/slurm*.out "$work"/log/slurm*.log 2>/dev/null | tail -n 20
    skip "a Slurm daemon exited at start (its log above)"
  done
  sleep 0.2
done
[[ "$(sinfo -h -o '%t')" == idle ]] || fail "the node never became idle: $(sinfo -h -o '%t %E')"
echo "cluster up: one node, $cpus CPUs, in $((SECONDS - t0)) s"

# Waits until job $1 (or array task JOB_K) has ended; prints its state.
job_state() { scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
wait_ended() {
  local state
  for _ in $(seq 1200); do
    state="$(job_state "$1")"
    case "$state" in
      PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|"") sleep 0.2 ;;
      *) echo "$state"; return 0 ;;
    esac
  done
  fail "job $1 did not end in 4 minutes (state $state; $(scontrol -o show job "$1" | grep -o 'Reason=[^ ]*'))"
}
# Waits until the journal of shard $1 holds at least one run.
wait_started() {
  local journal="$work/merged.slurm/shard-$1.partial/journal.bin"
  for _ in $(seq 600); do
    [[ -f "$journal" ]] && (($(stat -c %s "$journal") > 64)) && return 0
    sleep 0.1
  done
  fail "shard $1 never recorded a run"
}

# --- the sweep -------------------------------------------------------------------
# 60 points x 4 replications = 240 runs of about 30 ms: a few seconds a shard.
cat >"$work/base.toml" <<'TOML'
[scenario]
name = "slurm"
years = 12
replications = 2
seed = 4
[district]
schools = 200
teachers_per_school = 20
TOML
cat >"$work/sweep.toml" <<'TOML'
[sweep]
scenario = "base.toml"
design = "morris"
trajectories = 20
levels = 4
replications = 4
seed = 3
[sweep.parameters]
"strategy.pace" = { min = 0.0, max = 1.0 }
"strategy.bundling" = { min = 0.0, max = 1.0 }
TOML
"$bin" sweep "$work/sweep.toml" --out "$work/whole" -q --threads 2
echo "the sweep on this machine: $((SECONDS - t0)) s in"

# --- more CPUs than the node has: refused, nothing submitted ---------------------
if "$repo/scripts/slurm-sweep" "$work/sweep.toml" --out "$work/big" --shards 2 --cpus $((cpus + 1)) \
  --bin "$bin" >"$work/big.out" 2>"$work/big.err"; then
  fail "--cpus $((cpus + 1)) on a $cpus-CPU node was submitted"
else
  [[ $? == 2 ]] || fail "--cpus too large: exit status $? (expected 2)"
fi
grep -q "the largest node of partition test has $cpus CPUs" "$work/big.err" || fail "--cpus message: $(cat "$work/big.err")"
grep -q "nothing submitted" "$work/big.err" || fail "--cpus message does not say nothing was submitted"
[[ -z "$(squeue -h)" && ! -e "$work/big.slurm" ]] || fail "--cpus too large left jobs or job scripts"

# --- the shards: one cancelled, one past its time limit --------------------------
kept=()
"$repo/scripts/slurm-sweep" "$work/sweep.toml" --out "$work/merged" --shards 3 --cpus 1 --time 1 \
  --mem 64M --account districtsim-test --qos normal --sbatch --comment=districtsim-test \
  --bin "$bin" >"$work/submit.out"
cat "$work/submit.out"
array="$(sed -n 's/^submitted shards as job \([0-9]*\) .*/\1/p' "$work/submit.out")"
merge="$(sed -n 's/.* and the merge as job \([0-9]*\)$/\1/p' "$work/submit.out")"
[[ -n "$array" && -n "$merge" ]] || fail "slurm-sweep did not say which jobs it submitted"
# The scheduler options reached the jobs.
info="$(scontrol -o show job "${array}_1")"
for want in Account=districtsim-test MinMemoryNode=64M Comment=districtsim-test TimeLimit=00:01:00; do
  grep -q "$want" <<<"$info" || fail "the shard job lacks $want: $info"
done
grep -qx '#SBATCH --qos=normal' "$work/merged.slurm/shard.sbatch" || fail "--qos is not in the shard script"

# Shard 1: cancelled once it has runs to keep. Shard 2: stopped (SIGSTOP) once
# it has runs, so that however fast this machine it is still running when its
# one-minute limit comes; Slurm then sends it SIGCONT and SIGTERM.
wait_started 1
scancel "${array}_1"
wait_started 2
shard2_pid=""
shard2_job="$(scontrol -o show job "${array}_2" | grep -o 'JobId=[0-9]*' | head -n 1)"
for p in $(scontrol listpids "${shard2_job#JobId=}" 2>/dev/null | awk 'NR > 1 { print $1 }'); do
  [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == districtsim ]] && shard2_pid="$p"
done
[[ -n "$shard2_pid" ]] || fail "no districtsim process in shard 2's job"
kill -STOP "$shard2_pid"
echo "shard 1 cancelled, shard 2 held until its time limit: $((SECONDS - t0)) s in"

resume="$work/merged.slurm/resume"
log="$work/merged.slurm/logs"
# Inside a job, districtsim's own hint names the job's resume command.
hint_names_resume() {
  grep -q "^districtsim: interrupted: " "$log/shard-$1.log" || fail "shard $1 was not interrupted cleanly"
  grep -A1 "continue with:" "$log/shard-$1.log" | grep -qxF "  $resume" ||
    fail "shard $1's hint does not name $resume: $(grep -A1 'continue with' "$log/shard-$1.log")"
  grep -A1 "continue with:" "$log/shard-$1.log" | grep -q -- "--resume" && fail "shard $1's hint names districtsim --resume"
  kept[$1]="$(grep -o 'interrupted: [0-9]* of' "$log/shard-$1.log" | grep -o '[0-9]*')"
}
[[ "$(wait_ended "${array}_1")" == CANCELLED ]] || fail "shard 1 was not cancelled"
hint_names_resume 1

# The documented command, while shard 2 still runs: it resubmits shard 1
# only (shard 3 is queued, running or done), and replaces the waiting merge
# by one after shard 1's new job and the shards still running.
"$resume" >"$work/resume1.out"
cat "$work/resume1.out"
grep -qx "cancelled the waiting merge job(s) $merge" "$work/resume1.out" || fail "resume did not replace the waiting merge"
grep -q "^resubmitted shard(s) 1 of 3 as job" "$work/resume1.out" || fail "resume did not resubmit shard 1 alone"
merge2="$(sed -n 's/^the merge is job \([0-9]*\);.*/\1/p' "$work/resume1.out")"
[[ "$(wait_ended "$merge")" == CANCELLED ]] || fail "the first merge job was not cancelled"

[[ "$(wait_ended "${array}_2")" == TIMEOUT ]] || fail "shard 2 did not run out of time"
[[ "$(wait_ended "${array}_3")" == COMPLETED ]] || fail "shard 3 did not complete"
grep -q "DUE TO TIME LIMIT" "$log/shard-2.log" || fail "shard 2's log does not show its time limit"
hint_names_resume 2
# The merge does not hang on the shard that ran out of time: it runs, fails,
# and says which shard and what to do.
[[ "$(wait_ended "$merge2")" == FAILED ]] || fail "the merge did not fail on an unfinished shard"
echo "shard 2 ran out of time and the merge failed as expected: $((SECONDS - t0)) s in"
grep -q "shard(s) 2 of 3 did not finish" "$log/merge.log" || fail "merge.log does not name shard 2"
grep -qxF "  $resume" "$log/merge.log" || fail "merge.log does not give the resume command"
[[ ! -e "$work/merged" ]] || fail "a failed merge left results"

# --- the documented command again, with a longer limit; the merge completes -------
"$resume" --time=10 >"$work/resume2.out"
cat "$work/resume2.out"
grep -q "^resubmitted shard(s) 2 of 3 as job" "$work/resume2.out" || fail "resume did not resubmit shard 2"
merge3="$(sed -n 's/^the merge is job \([0-9]*\);.*/\1/p' "$work/resume2.out")"
[[ "$(wait_ended "$merge3")" == COMPLETED ]] || fail "the merge after the resume did not complete"
echo "resumed and merged: $((SECONDS - t0)) s in"
for f in points.csv runs.csv point_summary.csv sensitivity.csv; do
  cmp "$work/whole/$f" "$work/merged/$f" || fail "$f of the merge differs from the sweep run on this machine"
done
# The resumed shards say so, and the merged manifest sums them.
for k in 1 2; do
  grep -q "resuming: ${kept[$k]} of 80 runs already finished" "$log/shard-$k.log" ||
    fail "shard $k did not resume its ${kept[$k]} runs"
done
resumed=$((kept[1] + kept[2]))
grep -q "\"resumed_runs\": $resumed," "$work/merged/manifest.json" ||
  fail "the merged manifest does not count the $resumed resumed runs: $(grep resumed_runs "$work/merged/manifest.json")"

# --- logs are appended; a merge run again keeps the results and its log ----------
for k in 1 2; do
  (($(grep -c "^== shard $k/3: job" "$log/shard-$k.log") == 2)) || fail "shard $k's log was not appended to"
done
grep -q "3 shards of .* merged" "$log/merge.log" || fail "merge.log lacks the successful merge"
before="$(cat "$log/merge.log")"
sum="$(cat "$work"/merged/*.csv "$work/merged/manifest.json" | md5sum)"
again="$(sbatch --parsable "$work/merged.slurm/merge.sbatch")"
[[ "$(wait_ended "$again")" == COMPLETED ]] || fail "a merge run again after a successful one failed"
[[ "$(cat "$log/merge.log")" == "$before"* ]] || fail "merge.log was not appended to"
grep -q "is already merged; nothing to do" "$log/merge.log" || fail "the second merge did not say it had nothing to do"
[[ "$(cat "$work"/merged/*.csv "$work/merged/manifest.json" | md5sum)" == "$sum" ]] || fail "the second merge changed the results"
[[ "$("$resume")" == *"already merged; nothing to resume" ]] || fail "resume after the merge did not say there is nothing to resume"
[[ -z "$(squeue -h)" ]] || fail "jobs left: $(squeue -h)"
echo "slurm-sweep on a real Slurm: cancelled and timed-out shards resumed, merged equal to the sweep, in $((SECONDS - t0)) s"
