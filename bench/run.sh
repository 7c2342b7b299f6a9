#!/usr/bin/env bash
# Measures Herald as a user feels it, on generated stores of 10k and 100k articles (and 1M with
# --with-1m): start to a usable headline list (first run, and with a warm index), peak memory,
# key press to frame, search, bytes written per key and while idle; all through a real
# pseudo-terminal. When newsboat is installed, runs it on the same articles (as RSS from a
# file:// URL, throwaway config and cache, no network) and prints the ratios.
#
#   bench/run.sh [--with-1m] [--no-newsboat]
#       RUNS=5 by default; SIZES=1000000 (comma-separated) measures only those sizes.
#       Results are also written to bench/results-DATE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "bench/run.sh needs python3" >&2; exit 2; }
# /usr/bin/time cross-checks the probe's peak memory and times newsboat's import; install it
# where we can, and go on without those two figures where we cannot.
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq time >/dev/null 2>&1 || true
fi
[ -x /usr/bin/time ] || echo "bench/run.sh: no /usr/bin/time (apt-get install time); skipping its figures" >&2
cargo build --release --locked --quiet --bin herald --example gen-store
exec python3 bench/run.py "$@"
