#!/usr/bin/env bash
# The engine's figures (see bench/engine.py): key to frame during a search and a reload of a
# big store, a reload of 100k articles with 10% breaking, check of 200k, import of one item into
# 60k, binary size. HERALD=path measures another build; SIZE=, RUNS=, LIMIT= (seconds) as there.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "bench/engine.sh needs python3" >&2; exit 2; }
cargo build --release --locked --quiet --bin herald --example gen-store
exec python3 bench/engine.py "$@"
