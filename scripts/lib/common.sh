# shellcheck shell=bash
# Shared helpers for the scripts in scripts/. Source it; do not run it.
#   source "$(dirname "$0")/lib/common.sh"
# Sets REPO_ROOT and cds there, so every script works from any directory.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT" || exit 1

# The build directory for a build type: build/release, build/debug, ...
# One directory per type, so switching types never reconfigures from scratch.
build_dir_for() {
  echo "build/$(echo "$1" | tr '[:upper:]' '[:lower:]')"
}

# Debian's python, which has the python3-* packages scripts/setup installs;
# another python3 (pyenv, a venv) may come first on PATH.
# shellcheck disable=SC2034  # used by the scripts that source this file
DEBIAN_PYTHON=/usr/bin/python3

# Prints a message on stderr and exits 1.
die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Seconds since the epoch with a fraction, for stage timings.
now() {
  date +%s.%N
}

# Elapsed seconds between two `now` readings, one decimal.
elapsed() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}
