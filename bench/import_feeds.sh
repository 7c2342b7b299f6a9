#!/usr/bin/env bash
# Time to import a feed (parse, merge, atomic write): Herald against newsboat's reload of the
# same file, and against HERALD_BEFORE when set. See bench/import_feeds.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin herald
exec python3 bench/import_feeds.py target/release/herald
