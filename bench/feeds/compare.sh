#!/usr/bin/env bash
# How Herald's import agrees with feedparser, the reference feed parser, on feedparser's own
# test suite (2,228 feeds, BSD-2-Clause; fetched from PyPI, not kept in this repository).
#
#   bench/feeds/compare.sh [HERALD] [NAME]   # default: target/release/herald, "run"
#
# Writes bench/feeds/NAME.txt (the summary quoted in docs/performance.md) and NAME.jsonl (per
# file: counts, per-field agreement, the first differences). `python3 bench/feeds/classify.py
# NAME.jsonl` groups what differs. Needs python3 and pip; no test runs this.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/release/herald}"
name="${2:-run}"
version=6.0.11
cache="${HERALD_FEED_CORPUS:-$root/target/feed-corpus}"
python3 -c 'import feedparser' 2>/dev/null || pip install -q "feedparser==$version"
if [ ! -d "$cache/feeds" ]; then
  mkdir -p "$cache/dl"
  pip download -q --no-binary :all: --no-deps -d "$cache/dl" "feedparser==$version"
  tar -xzf "$cache/dl/feedparser-$version.tar.gz" -C "$cache/dl"
  mkdir -p "$cache/feeds"
  (cd "$cache/dl/feedparser-$version/tests" && \
    find . -name '*.xml' -not -path './http/*' -not -path './wellformed/http/*' \
      -not -path './compression/*' -exec cp --parents {} "$cache/feeds/" \;)
fi
[ -x "$bin" ] || { echo "no Herald binary at $bin (cargo build --release)" >&2; exit 1; }
HERALD="$bin" python3 "$here/compare.py" --corpus "$cache/feeds" --jobs 2 \
  --details "$here/$name.jsonl" | tee "$here/$name.txt"
