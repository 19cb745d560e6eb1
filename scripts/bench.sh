#!/usr/bin/env bash
# Benchmarks that print figures (never pass/fail):
#   server: import 100 users / 1,000 conversations / 100,000 messages, then
#           history pages of 50 per second with 1 and 8 concurrent clients.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD=${BUILD:-build}
[ -d "$BUILD" ] || meson setup "$BUILD"
meson compile -C "$BUILD" agora-local-server server-bench >/dev/null

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
"$BUILD/server/agora-local-server" --listen 127.0.0.1:0 --db "$work/bench.db" \
  --client-id bench-id --client-secret bench-secret --max-body 16777216 >"$work/out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/out" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/out")
[ -n "$url" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }

echo "== server benchmark ($(nproc) cores, $url) =="
"$BUILD/bench/server-bench" "$url/org1/app1" bench-id bench-secret
size=$(du -cb "$work"/bench.db* | tail -1 | cut -f1)
echo "database size: $((size / 1024 / 1024)) MiB ($size bytes, with WAL)"
echo "server peak RSS: $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
