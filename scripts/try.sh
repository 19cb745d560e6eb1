#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine: install what is needed, build,
# start the local Agora Chat–compatible server with the demo conversations,
# and open Finch (in this terminal) or Pidgin (when $DISPLAY is set) with a
# temporary profile whose account "alice" points at it.
#   scripts/try.sh            Finch or Pidgin, as above
#   scripts/try.sh --server   only the server (prints how to reach it; Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

bash scripts/install-deps.sh
BUILD=${BUILD:-build}
[ -d "$BUILD" ] || meson setup "$BUILD"
meson compile -C "$BUILD" >/dev/null

work=$(mktemp -d -t agorachat-try.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

seed="$top/data/demo/demo.json"
"$BUILD/server/agora-local-server" --listen 127.0.0.1:0 --db "$work/server.db" \
  --app-key 'org1#app1' --seed "$seed" >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 200); do grep -q 'listening on' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/server.out")
if [ -z "$url" ]; then
  echo "The local server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
ws_url="ws://${url#http://}/websocket"

cat <<MSG
Local Agora Chat server: $url   (app key org1#app1, log: $work/server.log)
Demo users: alice, bob, carol, 王小明 … password "demo-password".
MSG

plugin="$BUILD/plugin/agorachat.so"
if [ "${1:-}" = "--server" ] || [ ! -f "$plugin" ]; then
  [ -f "$plugin" ] || echo "(The plugin is not built yet: only the server runs.)"
  echo "Press Ctrl-C to stop."
  wait "$server_pid"
  exit 0
fi

profile="$work/profile"
mkdir -p "$profile/plugins"
cp "$plugin" "$profile/plugins/"
cat >"$profile/accounts.xml" <<XML
<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>prpl-agorachat</protocol>
  <name>alice</name>
  <password>demo-password</password>
  <settings>
   <setting name='app_key' type='string'>org1#app1</setting>
   <setting name='rest_url' type='string'>$url</setting>
   <setting name='ws_url' type='string'>$ws_url</setting>
  </settings>
  <settings ui='gnt-purple'><setting name='auto-login' type='bool'>1</setting></settings>
  <settings ui='gtk-gaim'><setting name='auto-login' type='bool'>1</setting></settings>
 </account>
</account>
XML
cat >"$profile/prefs.xml" <<XML
<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
 <pref name='pidgin'>
  <pref name='docklet'><pref name='show' type='string' value='never'/></pref>
  <pref name='blist'><pref name='list_visible' type='bool' value='1'/></pref>
  <pref name='conversations'><pref name='spellcheck' type='bool' value='0'/></pref>
 </pref>
</pref>
XML

if [ -n "${DISPLAY:-}" ]; then
  pidgin -c "$profile"
else
  finch -c "$profile" 2>"$work/finch.log"
fi
