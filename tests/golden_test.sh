#!/usr/bin/env bash
# The golden summary: a fresh run of the reference scenario must give a
# summary.csv byte-identical to tests/golden/reference_summary.csv.
#
#   tests/golden_test.sh DISTRICTSIM             compare (ctest test golden_summary)
#   tests/golden_test.sh DISTRICTSIM --update    rewrite the golden file (scripts/update-golden)
#
# Both modes run the same command, defined once here. A difference means the
# model's numbers changed: if that is intended, run scripts/update-golden and
# commit the new file with the change that caused it.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
GOLDEN="$HERE/golden/reference_summary.csv"
SCENARIO="$ROOT/scenarios/reference.toml"
# Few replications keep the test fast; the thread count does not change the
# output (counter-based random streams), so 2 is as good as any.
RUN_ARGS=(--replications 8 --seed 12345 --threads 2 --quiet)

(($# >= 1)) || { echo "usage: $0 DISTRICTSIM [--update]" >&2; exit 2; }
bin="$1"
update=0
[[ "${2:-}" == --update ]] && update=1

if ((!update)) && [[ ! -f "$GOLDEN" ]]; then
  echo "golden file missing: run scripts/update-golden" >&2
  echo "(expected $GOLDEN)" >&2
  exit 1
fi
[[ -x "$bin" ]] || { echo "golden: no districtsim binary at $bin" >&2; exit 1; }
[[ -f "$SCENARIO" ]] || { echo "golden: scenario $SCENARIO not found" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/districtsim-golden.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$bin" run "$SCENARIO" --out "$tmp/out" "${RUN_ARGS[@]}"
fresh="$tmp/out/summary.csv"
[[ -f "$fresh" ]] || { echo "golden: the run wrote no summary.csv" >&2; exit 1; }

if ((update)); then
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$fresh" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l <"$GOLDEN") lines)"
  exit 0
fi

if cmp -s "$GOLDEN" "$fresh"; then
  echo "summary.csv matches the golden file ($(wc -l <"$GOLDEN") lines)"
  exit 0
fi
echo "summary.csv of the reference scenario differs from the golden file" >&2
echo "(districtsim run scenarios/reference.toml ${RUN_ARGS[*]}):" >&2
diff -u --label golden "$GOLDEN" --label fresh "$fresh" | head -n 60 >&2 || true
echo "If the change is intended, run scripts/update-golden and commit $GOLDEN." >&2
exit 1
