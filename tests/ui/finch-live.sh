#!/usr/bin/env bash
# Live messaging in Finch (a real terminal UI, in tmux) against a real
# server: the official Web SDK (Node, tests/plugin/live-sdk-peer.mjs) signs
# in as bob and echoes; we type a message into the conversation with Bobby
# and see his reply appear, and the SDK saw our message exactly once.
#   finch-live.sh SERVER_EXE PLUGIN_SO NODE
# Skipped (77) only when finch, tmux or the SDK's node_modules are missing.
set -euo pipefail
server_exe=$1
plugin_so=$2
node=$3
command -v finch >/dev/null && command -v tmux >/dev/null || { echo "finch or tmux missing"; exit 77; }
here=$(dirname "$(readlink -f "$0")")
peer="$here/../plugin/live-sdk-peer.mjs"
[ -d "$here/../sdk/node_modules/agora-chat" ] || { echo "tests/sdk/node_modules missing (npm ci in tests/sdk)"; exit 77; }
. "$here/ui-common.sh"

work=$(mktemp -d -t ac-finch-live.XXXXXX)
sock="ac-finch-live-$$"
server_pid=""
peer_pid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  { echo '{"cmd":"quit"}' >&3; } 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  if [ -n "$peer_pid" ]; then
    for _ in $(seq 50); do kill -0 "$peer_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$peer_pid" 2>/dev/null || true
    wait "$peer_pid" 2>/dev/null || true
  fi
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

write_seed "$work/seed.json"
start_server "$server_exe" "$work/seed.json"
write_profile "$plugin_so" gnt-purple

# The SDK peer reads JSON commands from a FIFO we keep open on fd 3.
mkfifo "$work/peer.in"
"$node" "$peer" "$url" <"$work/peer.in" >"$work/peer.out" 2>"$work/peer.err" &
peer_pid=$!
exec 3>"$work/peer.in"
echo '{"cmd":"login","user":"bob","password":"pw-b","device":"finchbob"}' >&3
echo '{"cmd":"echo","on":true,"prefix":"re: "}' >&3
for _ in $(seq 200); do grep -q '"ev":"ok"' "$work/peer.out" && break; sleep 0.1; done
grep -q '"ev":"ready"' "$work/peer.out" || { echo "SDK peer did not sign in"; cat "$work/peer.out" "$work/peer.err"; exit 1; }

start_finch


wait_for "Agora Chat (alic" "Bobby"
# Wait for the live connection (its PROVISION) before typing.
for _ in $(seq 100); do grep -q 'GET /websocket' "$work/server.log" && break; sleep 0.1; done
keys -l $'\eOB'
keys Enter
wait_for "Bobby: fourth of four"
keys -l "hello from finch"
keys Enter
wait_for "alice: hello from finch" "Bobby: re: hello from finch"
[ "$(grep -c '"text":"hello from finch"' "$work/peer.out")" = 1 ] \
  || { echo "the SDK did not get the message exactly once"; cat "$work/peer.out"; exit 1; }
# Bob writes on his own: it appears too.
echo '{"cmd":"send","to":"alice","text":"are you there?"}' >&3
wait_for "Bobby: are you there?"
echo "Finch live chat OK"
