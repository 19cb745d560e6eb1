#!/usr/bin/env bash
# Benchmarks that print figures (never pass/fail):
#   server: import 100 users / 1,000 conversations / 100,000 messages, then
#           history pages of 50 per second with 1 and 8 concurrent clients.
#   plugin: back-fill of 10,000 messages over 100 conversations into a fresh
#           profile by the headless libpurple client (wall, CPU, peak RSS, RSS
#           growth, longest main-loop stall), next to a plain HTTP client and
#           the official Web SDK fetching the same pages from the same server.
#   live:   plugin -> server -> Web SDK -> server -> plugin round trip (median,
#           p99 over 1,000), sustained receive rate into an open window with the
#           longest main-loop stall, and the Web SDK's own round trip beside it.
#   scripts/bench.sh plugin   runs only the plugin section; scripts/bench.sh live only the live one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD=${BUILD:-build}
[ -d "$BUILD" ] || meson setup "$BUILD"
meson compile -C "$BUILD" agora-local-server server-bench agorachat plugin-backfill store-writer >/dev/null

# ---- live (MSYNC) ----
live_bench() {
  if ! command -v node >/dev/null || [ ! -d tests/sdk/node_modules/agora-chat ]; then
    echo "(tests/sdk/node_modules missing: run npm ci in tests/sdk for the live benchmark)"
    return
  fi
  meson compile -C "$BUILD" plugin-live >/dev/null
  local dir; dir=$(mktemp -d)
  "$BUILD/server/agora-local-server" --listen 127.0.0.1:0 --db "$dir/live.db" \
    --client-id bench-id --client-secret bench-secret >"$dir/out" 2>"$dir/server.log" &
  local pid=$!
  for _ in $(seq 100); do grep -q 'listening on' "$dir/out" && break; sleep 0.05; done
  local live_url; live_url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$dir/out")
  echo
  "$BUILD/bench/plugin-live" "$live_url" bench-id bench-secret 2>/dev/null | grep -v '^('
  echo "server peak RSS (live run): $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
  echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); stalls with little of our CPU are the kernel running the server and Node)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
if [ "${1:-}" = live ]; then
  live_bench
  exit 0
fi

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
"$BUILD/server/agora-local-server" --listen 127.0.0.1:0 --db "$work/bench.db" \
  --client-id bench-id --client-secret bench-secret --max-body 16777216 >"$work/out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/out" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/out")
[ -n "$url" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }

if [ "${1:-}" != plugin ]; then
echo "== server benchmark ($(nproc) cores, $url) =="
# SERVER_PID: the bench also prints the server's CPU time per page.
SERVER_PID=$server_pid "$BUILD/bench/server-bench" "$url/org1/app1" bench-id bench-secret "$work/convs.txt"
# The same pages from wrk, a client far cheaper than libsoup: the server's own ceiling.
if command -v wrk >/dev/null; then
  for c in 1 8; do
    t=$(( c == 1 ? 1 : 2 ))
    wrk -t"$t" -c"$c" -d5s --latency -s bench/roaming.lua "$url" -- "$work/convs.txt" >"$work/wrk.out" 2>&1 || true
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
    p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
    errs=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.out" || true)
    echo "wrk, history pages of 50, $c connection(s): ${rps:-?} pages/s; latency median ${p50:-?}, p99 ${p99:-?} ${errs}"
  done
fi
size=$(du -cb "$work"/bench.db* | tail -1 | cut -f1)
echo "database size: $((size / 1024 / 1024)) MiB ($size bytes, with WAL)"
echo "server peak RSS: $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
fi

# ---- plugin ----
# A second, fresh server: the plugin's figures must not depend on the 100k above.
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
"$BUILD/server/agora-local-server" --listen 127.0.0.1:0 --db "$work/plugin.db" \
  --client-id bench-id --client-secret bench-secret --max-body 16777216 >"$work/out2" 2>"$work/server2.log" &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/out2" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/out2")
[ -n "$url" ] || { echo "server did not start"; cat "$work/server2.log"; exit 1; }
sdk=()
if command -v node >/dev/null && [ -d tests/sdk/node_modules/agora-chat ]; then
  sdk=(node bench/plugin-sdk-history.mjs "$url" reader bench-pw 100)
else
  echo "(tests/sdk/node_modules missing: run npm ci in tests/sdk for the Web SDK figure)"
fi
echo
echo "== plugin benchmark ($(nproc) cores, $url) =="
SERVER_PID=$server_pid "$BUILD/bench/plugin-backfill" "$url" bench-id bench-secret "${sdk[@]}"
echo "server peak RSS (plugin run): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
# The store's share alone: the same 10,000 messages through the writer thread, no network.
"$BUILD/bench/store-writer"
# Which side is the bottleneck: plugin-backfill prints the server's CPU for
# each client (SERVER_PID) beside the clients' own.
[ "${1:-}" = plugin ] || live_bench
