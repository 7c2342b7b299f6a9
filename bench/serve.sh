#!/usr/bin/env bash
# Load on `herald serve` (issue 18): SESSIONS concurrent SSH sessions (default 200), each on
# the full-screen reader pressing j and k in turn RATE times a second (10) for SECONDS (60).
# Prints key-to-frame p50/p99 (to the frame's first byte, measured by the client), the
# server's resident memory idle and at peak (and per session), its threads at peak, and the
# CPU it used. The load client is examples/serve-load.rs (russh as a client, one process).
#
#   bench/serve.sh                      # sample-data
#   ARTICLES=100000 bench/serve.sh      # a generated store of that many articles
#   SESSIONS=1 ARTICLES=100000 bench/serve.sh   # one session on a 100k store
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS="${SESSIONS:-200}"
SECONDS_="${SECONDS_:-${DURATION:-60}}"
RATE="${RATE:-10}"
command -v python3 >/dev/null || { echo "bench/serve.sh needs python3" >&2; exit 2; }
cargo build --release --locked --quiet --bin herald --example serve-load --example gen-store

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

store="sample-data"
if [ -n "${ARTICLES:-}" ]; then
  store="$work/store.jsonl"
  target/release/examples/gen-store --articles "$ARTICLES" --format jsonl > "$store"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
env -i PATH="$PATH" HOME="$work" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache" \
  XDG_CONFIG_HOME="$work/config" LANG=C.UTF-8 \
  target/release/herald serve --listen "127.0.0.1:$port" --anonymous \
    --max-sessions $((SESSIONS + 10)) --max-per-address $((SESSIONS + 10)) \
    --auth-attempts $((SESSIONS * 4 + 10)) "$store" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

rss() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$server_pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
idle_rss="$(rss)"
ticks_before="$(cpu_ticks)"
start="$(date +%s.%N)"

target/release/examples/serve-load --port "$port" --sessions "$SESSIONS" \
  --seconds "$SECONDS_" --rate "$RATE" > "$work/load.txt" &
load_pid=$!
peak_rss="$idle_rss"; peak_threads="$(threads)"
while kill -0 "$load_pid" 2>/dev/null; do
  now_rss="$(rss)"; now_threads="$(threads)"
  [ "$now_rss" -gt "$peak_rss" ] && peak_rss="$now_rss"
  [ "$now_threads" -gt "$peak_threads" ] && peak_threads="$now_threads"
  sleep 0.5
done
wait "$load_pid"
end="$(date +%s.%N)"
ticks_after="$(cpu_ticks)"
hz="$(getconf CLK_TCK)"

echo "herald serve: $SESSIONS sessions x $RATE keys/s for ${SECONDS_} s on $store ($(nproc) cores)"
cat "$work/load.txt"
python3 - "$idle_rss" "$peak_rss" "$SESSIONS" "$peak_threads" "$ticks_before" "$ticks_after" "$hz" "$start" "$end" <<'PY'
import sys
idle, peak, n, threads, t0, t1, hz, s, e = sys.argv[1:]
idle, peak, n = int(idle), int(peak), int(n)
cpu = (int(t1) - int(t0)) / int(hz)
wall = float(e) - float(s)
print(f"server RSS: idle {idle/1024:.1f} MiB, peak {peak/1024:.1f} MiB, "
      f"{(peak-idle)/1024/max(n,1):.2f} MiB per session; threads at peak {threads}")
print(f"server CPU: {cpu:.1f} s over {wall:.1f} s ({100*cpu/wall:.0f}% of one core)")
PY
sleep 1
grep -E "connections open|sessions running" "$work/server.log" | tail -1
