#!/usr/bin/env bash
# The shipped sweeps of scenarios/sweeps/ (dials_factorial, dials_sobol,
# surveyed_districts): each passes `districtsim validate`, and a small version
# of each (1 replication, 3 years, a district of 4 schools of 5 teachers, few
# samples) runs and writes its files with the expected row counts. For
# surveyed_districts, the drawn dials must follow the survey's shares: the
# share of points in each third of a dial is within 0.1 of its weight.
#
#   tests/shipped_sweeps_test.sh DISTRICTSIM     (ctest test shipped_sweeps)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
SWEEPS="$(cd "$HERE/../scenarios/sweeps" && pwd)"
(($# == 1)) || { echo "usage: $0 DISTRICTSIM" >&2; exit 2; }
bin="$1"
[[ -x "$bin" ]] || { echo "shipped_sweeps: no districtsim binary at $bin" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/districtsim-sweeps.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
SMALL=(--set sweep.replications=1 --set scenario.years=3 --set district.teachers_per_school=5
       --threads 2 --quiet)
failed=0
fail() { echo "shipped_sweeps: $*" >&2; failed=1; }

rows() { echo $(($(wc -l <"$1") - 1)); }  # data rows of a CSV (its header apart)

# check_sweep NAME POINTS PARAMETERS DESIGN: the files of $tmp/NAME and their rows.
check_sweep() {
  local name="$1" points="$2" params="$3" design="$4" dir="$tmp/$1"
  local f
  for f in manifest.json points.csv runs.csv point_summary.csv; do
    [[ -f "$dir/$f" ]] || { fail "$name: no $f"; return; }
  done
  [[ "$(rows "$dir/points.csv")" == "$points" ]] ||
    fail "$name: points.csv has $(rows "$dir/points.csv") points, expected $points"
  local columns
  columns="$(head -n 1 "$dir/points.csv" | tr ',' '\n' | wc -l)"
  [[ "$columns" == $((params + 1)) ]] ||
    fail "$name: points.csv has $columns columns, expected point and $params parameters"
  [[ "$(rows "$dir/runs.csv")" == "$points" ]] ||
    fail "$name: runs.csv has $(rows "$dir/runs.csv") runs, expected $points (1 replication)"
  # Every runs.csv value column (all but point, replication, seed) is an outcome.
  local outcomes
  outcomes=$(($(head -n 1 "$dir/runs.csv" | tr ',' '\n' | wc -l) - 3))
  [[ "$(rows "$dir/point_summary.csv")" == $((points * outcomes)) ]] ||
    fail "$name: point_summary.csv has $(rows "$dir/point_summary.csv") rows, expected" \
      "$points points x $outcomes outcomes"
  grep -q "\"design\": *\"$design\"" "$dir/manifest.json" ||
    fail "$name: manifest.json does not say design $design"
  case "$design" in
    sobol)
      [[ "$(rows "$dir/sensitivity.csv")" == $((outcomes * params * 2)) ]] ||
        fail "$name: sensitivity.csv has $(rows "$dir/sensitivity.csv") rows, expected" \
          "$outcomes outcomes x $params parameters x 2 indices" ;;
    *)
      [[ ! -e "$dir/sensitivity.csv" ]] || fail "$name: a $design sweep with sensitivity.csv" ;;
  esac
}

"$bin" validate "$SWEEPS/dials_factorial.toml" "$SWEEPS/dials_sobol.toml" \
  "$SWEEPS/surveyed_districts.toml" >/dev/null || fail "validate refuses a shipped sweep"

# 3^7 points; 4 schools keep each run tiny.
"$bin" sweep "$SWEEPS/dials_factorial.toml" --out "$tmp/dials_factorial" "${SMALL[@]}" \
  --set district.schools=4
check_sweep dials_factorial 2187 7 factorial
# The first row of points.csv is every dial at 0, the last every dial at 1.
[[ "$(sed -n 2p "$tmp/dials_factorial/points.csv")" == "0,0,0,0,0,0,0,0" ||
   "$(sed -n 2p "$tmp/dials_factorial/points.csv")" == "0,0.0,0.0,0.0,0.0,0.0,0.0,0.0" ]] ||
  fail "dials_factorial: point 0 is not every dial at 0: $(sed -n 2p "$tmp/dials_factorial/points.csv")"

# N = 2 base rows x (9 + 2) points; the sweep varies the schools itself.
"$bin" sweep "$SWEEPS/dials_sobol.toml" --out "$tmp/dials_sobol" "${SMALL[@]}" \
  --set sweep.samples=2
check_sweep dials_sobol 22 9 sobol

# 300 points: enough to see the survey's shares (sd of a share about 0.03).
"$bin" sweep "$SWEEPS/surveyed_districts.toml" --out "$tmp/surveyed" "${SMALL[@]}" \
  --set district.schools=4 --set sweep.samples=300
check_sweep surveyed 300 7 random
# column low middle high: the expected share of points in each third of the dial.
shares_ok=1
while read -r column low middle high; do
  if ! awk -F, -v col="$column" -v lo="$low" -v mid="$middle" -v hi="$high" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    { n++; if ($c < 1 / 3) a++; else if ($c < 2 / 3) b++; else d++ }
    END {
      if (!c) { print col ": no such column"; exit 1 }
      bad = (a / n - lo > 0.1 || lo - a / n > 0.1 || b / n - mid > 0.1 || mid - b / n > 0.1 ||
             d / n - hi > 0.1 || hi - d / n > 0.1)
      if (bad) printf "%s: thirds %.2f %.2f %.2f, expected %.2f %.2f %.2f\n", col, a / n, b / n,
                      d / n, lo, mid, hi
      exit bad
    }' "$tmp/surveyed/points.csv" >&2; then
    shares_ok=0
  fi
done <<'EOF'
strategy.centralization 0.333 0.333 0.333
strategy.pace 0.68 0.16 0.16
strategy.need_priority 0.333 0.333 0.333
strategy.external_sourcing 0.52 0.26 0.22
strategy.adaptivity 0.14 0.19 0.67
strategy.bundling 0.51 0.22 0.27
strategy.failure_sharing 0.53 0.35 0.12
EOF
((shares_ok)) || fail "surveyed_districts: dials drawn off the survey's shares"

((failed)) && exit 1
echo "shipped sweeps: dials_factorial, dials_sobol, surveyed_districts validate, run small and" \
  "write the expected rows; surveyed_districts follows the survey's shares"
