#!/usr/bin/env bash
# An installed districtsim works as the README and its own hints print it:
# `cmake --install` of this build into a fresh prefix (what scripts/install
# runs), then, from a folder outside the source tree with PREFIX/bin on PATH:
# `districtsim --version` names the installed report support (not the source
# tree's), `districtsim run` of an installed scenario writes its results and
# report, and the hints name the program as it was invoked (`districtsim`
# found on PATH; the path as typed otherwise), each of which then runs.
#
#   tests/install_test.sh BUILD_DIR     (ctest test install)
set -euo pipefail

(($# == 1)) || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build="$1"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/districtsim-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "install: $*" >&2; failed=1; }

prefix="$tmp/prefix with space"
cmake --install "$build" --prefix "$prefix" >/dev/null
share="$prefix/share/districtsim"
for f in bin/districtsim share/districtsim/analysis/report.py \
         share/districtsim/analysis/districtsim_analysis/report.py \
         share/districtsim/analysis/districtsim_analysis/engine_tables.json \
         share/districtsim/scenarios/reference.toml share/districtsim/scenarios/sweeps/dials_factorial.toml; do
  [[ -f "$prefix/$f" ]] || fail "no $f under the prefix"
done
[[ -x "$prefix/bin/districtsim" ]] || { fail "no program"; exit 1; }

mkdir "$tmp/work"
cd "$tmp/work"
export PATH="$prefix/bin:$PATH"
unset DISTRICTSIM_ANALYSIS

version="$(districtsim --version)"
grep -qxF "report support: $share/analysis" <<<"$version" ||
  fail "--version does not name the installed report support: $version"

# A run of an installed scenario, with its report, from outside the source tree.
districtsim run "$share/scenarios/small_optin.toml" -n 2 --set scenario.years=3 --out res --quiet --report \
  >/dev/null 2>"$tmp/run.err" || fail "run --report failed: $(cat "$tmp/run.err")"
[[ -s res/report.html ]] || fail "no report.html from the installed program"

# Hints name the program as invoked, and work as printed.
districtsim run a.toml b.toml 2>"$tmp/hint" && fail "run with two files succeeded"
grep -qF "baseline: districtsim compare a.toml b.toml --out DIR" "$tmp/hint" ||
  fail "the compare hint does not say districtsim as invoked: $(cat "$tmp/hint")"
"$prefix/bin/districtsim" 2>"$tmp/hint" && fail "no command succeeded"
quoted="'$prefix/bin/districtsim'"
grep -qF "Run \`$quoted COMMAND --help\`" "$tmp/hint" ||
  fail "the help hint does not give the path as typed, quoted: $(cat "$tmp/hint")"
cmd="$(sed -n 's/^Run `\(.*\) COMMAND --help`.*/\1/p' "$tmp/hint")"
eval "$cmd run --help" >/dev/null || fail "the hinted command does not run: $cmd"

# The resume hint of an interrupted sweep (SIGINT once runs are in its
# journal), run as printed.
cat >sweep.toml <<EOF
[sweep]
scenario = "$share/scenarios/small_optin.toml"
design = "factorial"
replications = 40
[sweep.parameters]
"strategy.pace" = [0.1, 0.3, 0.5, 0.7, 0.9]
EOF
districtsim sweep sweep.toml --out sw --quiet 2>"$tmp/sweep.err" &
pid=$!
for _ in $(seq 400); do
  [[ -s sw.partial/journal.bin ]] && break
  sleep 0.01
done
kill -INT "$pid" 2>/dev/null || true
wait "$pid" || true
resume="$(grep -A1 'continue with:' "$tmp/sweep.err" | tail -n 1 | sed 's/^ *//')"
if [[ -z "$resume" ]]; then
  [[ -d sw ]] || fail "the sweep neither finished nor said how to resume: $(cat "$tmp/sweep.err")"
else
  [[ "$resume" == "districtsim sweep sweep.toml --out sw --resume" ]] ||
    fail "the resume hint is not the command as invoked: $resume"
  eval "$resume --quiet" >/dev/null 2>"$tmp/resume.err" || fail "the resume hint failed: $resume: $(cat "$tmp/resume.err")"
  [[ -f sw/runs.csv ]] || fail "the resumed sweep wrote no runs.csv"
fi

exit "$failed"
