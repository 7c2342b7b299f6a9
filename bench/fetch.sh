#!/bin/sh
# Fetching 200 feeds of 50 items from a loopback server that adds 100 ms to every response,
# as issue 13 asks: the first fetch (every feed new) and the second (every feed answers 304),
# wall time and peak memory, for Herald and for newsboat (`newsboat -x reload`, with its
# default reload-threads and with 8) on the same server in the same run. The feeds are
# spread over HOSTS loopback addresses (see bench/feed_server.py), since Herald asks one
# host one thing at a time; HOSTS=1 puts them all on one.
#
#   bench/fetch.sh                      # RUNS=3 FEEDS=200 ITEMS=50 LATENCY=0.1 HOSTS=50
#   HERALD=path/to/herald bench/fetch.sh
#
# Prints a table of medians; newsboat is skipped when it is not installed (apt install newsboat).
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
FEEDS=${FEEDS:-200}
ITEMS=${ITEMS:-50}
LATENCY=${LATENCY:-0.1}
HOSTS=${HOSTS:-50}
HERALD=${HERALD:-target/release/herald}
[ -x "$HERALD" ] || cargo build --release --quiet
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM

python3 bench/feed_server.py "$FEEDS" "$ITEMS" "$LATENCY" "$HOSTS" > "$WORK/port" &
SERVER=$!
while [ ! -s "$WORK/port" ]; do sleep 0.05; done
PORT=$(head -1 "$WORK/port")
n=0
: > "$WORK/urls"
while [ "$n" -lt "$FEEDS" ]; do
    echo "http://127.0.0.$((n % HOSTS + 1)):$PORT/feed/$n.xml" >> "$WORK/urls"
    n=$((n + 1))
done

# One timed command: "seconds peak-KiB".
measure() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err" || {
        cat "$WORK/err" >&2
        return 1
    }
    cat "$WORK/time"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

run_herald() {
    home="$WORK/herald"
    rm -rf "$home" && mkdir -p "$home/config/herald"
    while read -r url; do
        printf '[[feed]]\nurl = "%s"\n\n' "$url"
    done < "$WORK/urls" > "$home/config/herald/feeds.toml"
    export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache"
    first=$(measure "$HERALD" fetch)
    second=$(measure "$HERALD" fetch --force)
    unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
    echo "$first $second"
}

run_newsboat() {
    threads=$1
    home="$WORK/newsboat-$threads"
    rm -rf "$home" && mkdir -p "$home"
    printf 'reload-threads %s\n' "$threads" > "$home/config"
    first=$(measure newsboat -x reload -u "$WORK/urls" -c "$home/cache.db" -C "$home/config")
    second=$(measure newsboat -x reload -u "$WORK/urls" -c "$home/cache.db" -C "$home/config")
    echo "$first $second"
}

report() {
    name=$1
    shift
    : > "$WORK/rows"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        "$@" >> "$WORK/rows"
        i=$((i + 1))
    done
    f=$(cut -d' ' -f1 "$WORK/rows" | median)
    fm=$(cut -d' ' -f2 "$WORK/rows" | median)
    s=$(cut -d' ' -f3 "$WORK/rows" | median)
    sm=$(cut -d' ' -f4 "$WORK/rows" | median)
    printf '| %s | %s s | %s s | %s MiB |\n' "$name" "$f" "$s" \
        "$(echo "$fm $sm" | awk '{ m = $1 > $2 ? $1 : $2; printf "%.1f", m / 1024 }')"
}

echo "$FEEDS feeds of $ITEMS items on $HOSTS hosts, $LATENCY s added per response, median of $RUNS runs"
echo
echo "| client | first fetch | second fetch (all 304) | peak memory |"
echo "|---|---|---|---|"
report "herald fetch" run_herald
if command -v newsboat > /dev/null; then
    report "newsboat -x reload (reload-threads 1, the default)" run_newsboat 1
    report "newsboat -x reload (reload-threads 8)" run_newsboat 8
fi
