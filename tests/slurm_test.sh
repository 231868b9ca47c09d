#!/usr/bin/env bash
# scripts/slurm-sweep end to end, with a stand-in `sbatch` that runs each
# array task (and then the dependent merge job) at once on this machine:
# the merged results must equal an unsharded sweep's, file for file, and a
# resubmitted task must find its shard finished.
#
#   tests/slurm_test.sh DISTRICTSIM
set -euo pipefail
bin="$1"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/fakebin"
cat >"$work/fakebin/sbatch" <<'FAKE'
#!/usr/bin/env bash
# Stand-in for Slurm's sbatch: runs the job script now.
array="" script=""
for a in "$@"; do
  case "$a" in
    --array=*) array="${a#--array=}" ;;
    --*) ;;
    *) script="$a" ;;
  esac
done
if [[ -n "$array" ]]; then
  for ((k = ${array%-*}; k <= ${array#*-}; k++)); do
    SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 bash "$script" >>"$FAKE_LOG" 2>&1
  done
  echo 1001
else
  bash "$script" >>"$FAKE_LOG" 2>&1
  echo 1002
fi
FAKE
chmod +x "$work/fakebin/sbatch"

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

"$bin" sweep "$work/sweep.toml" --out "$work/whole" -q
export FAKE_LOG="$work/sbatch.log"
PATH="$work/fakebin:$PATH" "$repo/scripts/slurm-sweep" "$work/sweep.toml" --out "$work/merged" \
  --shards 4 --cpus 1 --bin "$bin" >"$work/submit.log" ||
  { cat "$work/submit.log" "$FAKE_LOG" >&2; exit 1; }
grep -q "submitted shards as job 1001" "$work/submit.log"
for f in points.csv runs.csv point_summary.csv sensitivity.csv; do
  cmp "$work/whole/$f" "$work/merged/$f" || { echo "FAIL: $f differs" >&2; exit 1; }
done
# A resubmitted task finds its shard finished and does nothing.
out="$(SLURM_ARRAY_TASK_ID=2 bash "$work/merged.slurm/shard.sbatch")"
[[ "$out" == "shard 2/4 already finished" ]] || { echo "FAIL: resubmitted task said: $out" >&2; exit 1; }
# A bad sweep file is refused before anything is submitted.
echo 'nonsense = 1' >>"$work/sweep.toml"
if PATH="$work/fakebin:$PATH" "$repo/scripts/slurm-sweep" "$work/sweep.toml" --out "$work/bad" \
  --shards 2 --bin "$bin" 2>"$work/bad.err"; then
  echo "FAIL: an invalid sweep was submitted" >&2
  exit 1
fi
grep -q "nothing submitted" "$work/bad.err"
[[ ! -e "$work/bad.slurm" ]]
echo "slurm-sweep: 4 shards merged equal the whole sweep"
