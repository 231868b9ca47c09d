#!/usr/bin/env bash
# scripts/slurm-sweep without a cluster: what it checks before it asks Slurm
# anything, and the job scripts it writes (--print). The real cluster is
# tests/slurm_cluster_test.sh; this test runs everywhere, also where that one
# is skipped, and covers what a real cluster cannot be made to do on
# purpose: a stand-in sbatch that accepts the shards and refuses the merge.
#
#   tests/slurm_test.sh DISTRICTSIM
set -euo pipefail
bin="$1"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cat >"$work/base.toml" <<'TOML'
[scenario]
name = "slurm"
years = 6
replications = 2
seed = 4
[district]
schools = 8
teachers_per_school = 10
TOML
cat >"$work/sweep.toml" <<'TOML'
[sweep]
scenario = "base.toml"
design = "morris"
trajectories = 6
levels = 4
replications = 2
seed = 3
[sweep.parameters]
"strategy.pace" = { min = 0.0, max = 1.0 }
"strategy.bundling" = { min = 0.0, max = 1.0 }
TOML
sweep=("$repo/scripts/slurm-sweep" "$work/sweep.toml" --bin "$bin")

# Bad input: a clear message, exit 2, nothing written.
refused() {
  local want="$1"
  shift
  local rc=0
  "${sweep[@]}" "$@" >"$work/out" 2>"$work/err" || rc=$?
  ((rc == 2)) || fail "slurm-sweep $*: exit $rc (expected 2): $(cat "$work/err")"
  grep -qF -- "$want" "$work/err" || fail "slurm-sweep $*: message lacks '$want': $(cat "$work/err")"
  [[ ! -e "$work/r.slurm" ]] || fail "slurm-sweep $*: wrote $work/r.slurm"
}
refused "--shards must be a positive integer" --out "$work/r" --shards 0
refused "--cpus must be a positive integer" --out "$work/r" --shards 2 --cpus two
refused "--time must be a Slurm time limit" --out "$work/r" --shards 2 --time 4h
refused "--mem must be a size" --out "$work/r" --shards 2 --mem 8GB
refused "--account must be a name" --out "$work/r" --shards 2 --account 'a b'
refused "--qos must be a name" --out "$work/r" --shards 2 --qos 'x;y'
refused "--sbatch --array=1-3: slurm-sweep sets that itself" --out "$work/r" --shards 2 --sbatch --array=1-3
refused "--sbatch --open-mode=truncate: slurm-sweep sets that itself" --out "$work/r" --shards 2 --sbatch --open-mode=truncate
refused "--sbatch takes one sbatch option" --out "$work/r" --shards 2 --sbatch constraint=avx2
refused "without spaces" --out "$work/r" --shards 2 --sbatch '--comment=a b'
refused "--out needs a value" --shards 2 --out
refused "unknown option: --nodes" --out "$work/r" --shards 2 --nodes 2
refused "a results path with spaces" --out "$work/r s" --shards 2
mkdir -p "$work/r" && touch "$work/r/manifest.json"
refused "already exists and is not empty" --out "$work/r" --shards 2
rm -rf "$work/r"

# The job scripts carry the scheduler options, append to their logs, and the
# shards name their own resume command.
"${sweep[@]}" --out "$work/p" --shards 3 --cpus 2 --time 1:00:00 --mem 8G --account proj \
  --qos short --partition batch --sbatch --constraint=avx2 --set strategy.bundling=0.5 --print \
  >"$work/print.out"
grep -qx "sbatch --parsable --dependency=afterany:<array job id> $work/p.slurm/merge.sbatch" "$work/print.out" ||
  fail "the merge is not submitted afterany: $(cat "$work/print.out")"
for f in shard merge; do
  for line in --partition=batch --mem=8G --account=proj --qos=short --constraint=avx2 --open-mode=append; do
    grep -qx "#SBATCH $line" "$work/p.slurm/$f.sbatch" || fail "$f.sbatch lacks #SBATCH $line"
  done
done
grep -qx "#SBATCH --cpus-per-task=2" "$work/p.slurm/shard.sbatch" || fail "shard.sbatch lacks its CPUs"
grep -qF "export DISTRICTSIM_RESUME_COMMAND=" "$work/p.slurm/shard.sbatch" || fail "shard.sbatch sets no resume command"
[[ -x "$work/p.slurm/resume" ]] || fail "no resume script"
bash -n "$work/p.slurm/resume" || fail "the resume script does not parse"

# Run by hand, without Slurm: the merge job refuses unfinished shards, naming
# them and the resume command; the shard jobs run their shards; then the
# merge job merges, equal to the whole sweep, and a second run keeps it.
"$bin" sweep "$work/sweep.toml" --out "$work/whole" -q --set strategy.bundling=0.5
rc=0
bash "$work/p.slurm/merge.sbatch" >"$work/m.out" 2>"$work/m.err" || rc=$?
((rc == 1)) || fail "the merge job with no shard finished: exit $rc"
grep -q "shard(s) 1,2,3 of 3 did not finish" "$work/m.err" || fail "merge job message: $(cat "$work/m.err")"
grep -qxF "  $work/p.slurm/resume" "$work/m.err" || fail "the merge job does not name the resume command"
SLURM_ARRAY_TASK_ID=2 bash "$work/p.slurm/shard.sbatch" >/dev/null 2>&1 || fail "shard 2 failed"
# merge itself names the shards that are missing, and how to run them.
rc=0
"$bin" merge "$work/p.slurm/shard-1" "$work/p.slurm/shard-2" "$work/p.slurm/shard-3" --out "$work/p" \
  2>"$work/merge.err" || rc=$?
((rc == 2)) || fail "merge of one shard in three: exit $rc"
grep -q "no such shard folder: $work/p.slurm/shard-1" "$work/merge.err" || fail "merge message: $(cat "$work/merge.err")"
grep -q "missing shard 3/3: run it with .* --shard 3/3 --set strategy.bundling=0.5" "$work/merge.err" ||
  fail "merge message: $(cat "$work/merge.err")"
for k in 1 3; do SLURM_ARRAY_TASK_ID=$k bash "$work/p.slurm/shard.sbatch" >/dev/null 2>&1 || fail "shard $k failed"; done
out="$(SLURM_ARRAY_TASK_ID=2 bash "$work/p.slurm/shard.sbatch")"
[[ "$out" == *"shard 2/3 already finished" ]] || fail "a resubmitted finished shard said: $out"
bash "$work/p.slurm/merge.sbatch" >/dev/null 2>&1 || fail "the merge job failed on finished shards"
for f in points.csv runs.csv point_summary.csv sensitivity.csv; do
  cmp "$work/whole/$f" "$work/p/$f" || fail "$f differs"
done
sum="$(cat "$work"/p/* | md5sum)"
out="$(bash "$work/p.slurm/merge.sbatch" 2>&1)" || fail "a second merge job failed: $out"
[[ "$out" == *"is already merged; nothing to do" ]] || fail "a second merge job said: $out"
[[ "$(cat "$work"/p/* | md5sum)" == "$sum" ]] || fail "a second merge job changed the results"

# A cluster that takes the shards and refuses the merge: the message gives
# the command that submits the merge.
mkdir "$work/fakebin"
cat >"$work/fakebin/sbatch" <<'FAKE'
#!/usr/bin/env bash
for a in "$@"; do [[ "$a" == --array=* ]] && { echo 1001; exit 0; }; done
echo "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified" >&2
exit 1
FAKE
printf '#!/bin/sh\necho "%s"\n' 'debug*' >"$work/fakebin/sinfo"
sed -i 's/^echo .*/case "$*" in *-N*) echo 4 ;; *) echo "debug*" ;; esac/' "$work/fakebin/sinfo"
printf '#!/bin/sh\nexit 0\n' >"$work/fakebin/squeue"
chmod +x "$work/fakebin"/*
rc=0
PATH="$work/fakebin:$PATH" "${sweep[@]}" --out "$work/f" --shards 2 --cpus 4 >"$work/f.out" 2>"$work/f.err" || rc=$?
((rc == 1)) || fail "a refused merge submission: exit $rc"
grep -qF "the shards are job 1001, but sbatch refused the merge (above); submit it with: sbatch --dependency=afterany:1001 $work/f.slurm/merge.sbatch" \
  "$work/f.err" || fail "refused merge message: $(cat "$work/f.err")"
# ... and --cpus beyond the partition's largest node is refused there too.
rc=0
PATH="$work/fakebin:$PATH" "${sweep[@]}" --out "$work/g" --shards 2 --cpus 5 2>"$work/g.err" || rc=$?
((rc == 2)) || fail "--cpus 5 on 4-CPU nodes: exit $rc"
grep -q "the largest node of partition debug has 4 CPUs" "$work/g.err" || fail "--cpus message: $(cat "$work/g.err")"
[[ ! -e "$work/g.slurm" ]] || fail "--cpus refused, but job scripts were written"

# A bad sweep file is refused before anything is submitted.
echo 'nonsense = 1' >>"$work/sweep.toml"
refused "nothing submitted" --out "$work/r" --shards 2
echo "slurm-sweep: options, refusals and job scripts as documented"
