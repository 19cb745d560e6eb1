#!/usr/bin/env bash
# Pidgin (a real GTK window) under Xvfb with the plugin, against the local
# server with the demo data, in one language:
#   - the buddy list and a conversation window with bob open and viewable
#     (xdotool/xwininfo), the conversation back-filled (Pidgin's own log of
#     it holds bob's latest demo message);
#   - a screenshot of the screen saved as ARTIFACT_DIR/pidgin-LANG.png;
#   - /proc/PID/maps: the plugin is mapped, with libsoup-3 and never libsoup-2.4.
#   pidgin-xvfb.sh SERVER_EXE PLUGIN_SO LOCALEDIR DEMO_JSON ARTIFACT_DIR en|zh_CN
# Skipped (77) only when pidgin, Xvfb, xdotool, xwininfo or import is missing.
set -euo pipefail
# start_server, write_profile
source "$(dirname "${BASH_SOURCE[0]}")/../ui/ui-common.sh"
server_exe=$1 plugin_so=$2 localedir=$3 demo=$4 artifacts=$5 lang=$6
for tool in pidgin Xvfb xdotool xwininfo import; do
  command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-deps.sh installs it)"; exit 77; }
done
case "$lang" in
  en) language="" blist_title="Buddy List" ;;
  zh_CN) language="zh_CN" blist_title="好友列表" ;;
  *) echo "language en or zh_CN"; exit 2 ;;
esac

work=$(mktemp -d -t ac-pidgin.XXXXXX)
server_pid="" xvfb_pid="" pidgin_pid=""
cleanup() {
  for p in $pidgin_pid $xvfb_pid $server_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$artifacts"

start_server "$server_exe" "$demo"

write_profile "$plugin_so" gtk-gaim demo-password
# No tray: show the buddy list at once; no spell checker; log conversations
# (the log is how this test reads what the window holds).
cat >"$profile/prefs.xml" <<'XML'
<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
 <pref name='purple'><pref name='logging'>
  <pref name='log_ims' type='bool' value='1'/><pref name='log_chats' type='bool' value='1'/>
  <pref name='format' type='string' value='txt'/>
 </pref></pref>
 <pref name='pidgin'>
  <pref name='docklet'><pref name='show' type='string' value='never'/></pref>
  <pref name='blist'><pref name='list_visible' type='bool' value='1'/>
   <pref name='width' type='int' value='300'/><pref name='height' type='int' value='560'/>
   <pref name='x' type='int' value='0'/><pref name='y' type='int' value='0'/></pref>
  <pref name='conversations'><pref name='spellcheck' type='bool' value='0'/></pref>
 </pref>
</pref>
XML

start_xvfb 1024x640

start_pidgin "$blist_title" LANGUAGE="$language" AGORACHAT_LOCALEDIR="$localedir"

viewable() { xwininfo -id "$1" 2>/dev/null | grep -q 'Map State: IsViewable'; }
find_window() { # find_window TITLE [TENTHS]: a viewable window with exactly this title
  for _ in $(seq "${2:-200}"); do
    for w in $(xdotool search --name "^$1\$" 2>/dev/null); do viewable "$w" && { echo "$w"; return 0; }; done
    sleep 0.1
  done
  return 1
}
blist=$(find_window "$blist_title") || { echo "no viewable '$blist_title' window"; tail -20 "$work/pidgin.log"; exit 1; }
echo "buddy list window $blist is viewable"

# Signed in and back-filled: the server answered the history calls.
for _ in $(seq 200); do grep -q 'messageroaming 200' "$work/server.log" && break; sleep 0.1; done
grep -q 'messageroaming 200' "$work/server.log" || { echo "no history fetched"; cat "$work/server.log"; exit 1; }
sleep 2

# Open bob's conversation: double-click his row, the first under the
# account's group (no window manager: the pointer's window gets the keys).
conv=""
for _ in 1 2 3; do
  xdotool mousemove --sync 100 65 click --repeat 2 --delay 120 1
  if conv=$(find_window "Bob Miller" 50); then break; fi
done
[ -n "$conv" ] || { echo "bob's conversation window did not open"; import -window root "$artifacts/pidgin-$lang-failed.png"; exit 1; }
xdotool windowmove --sync "$conv" 310 0 || true
xdotool windowsize --sync "$conv" 700 560 || true
viewable "$conv" || { echo "conversation window not viewable"; exit 1; }
echo "conversation window $conv is viewable"

# Back-filled into the window: Pidgin logged bob's latest demo message.
latest=$(python3 - "$demo" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ms = [m for m in d["messages"] if {m["from"], m["to"]} == {"alice", "bob"}]
print(min(ms, key=lambda m: m.get("age_ms", 0))["body"]["msg"])
PY
)
for _ in $(seq 100); do
  grep -rqF -- "$latest" "$profile/logs" 2>/dev/null && break; sleep 0.1
done
grep -rqF -- "$latest" "$profile/logs" 2>/dev/null || { echo "the conversation does not show '$latest'"; exit 1; }
echo "conversation back-filled ('$latest')"
sleep 1
import -window root "$artifacts/pidgin-$lang.png"
echo "screenshot: $artifacts/pidgin-$lang.png"

# The process: our plugin with libsoup 3, never libsoup 2.4.
maps=/proc/$pidgin_pid/maps
grep -q '/agorachat\.so' "$maps" || { echo "agorachat.so not mapped in pidgin"; exit 1; }
grep -q 'libsoup-3\.0\.so' "$maps" || { echo "libsoup-3.0 not mapped in pidgin"; exit 1; }
! grep -q 'libsoup-2\.4' "$maps" || { echo "libsoup-2.4 mapped in pidgin"; exit 1; }
kill -0 "$pidgin_pid" || { echo "pidgin died"; exit 1; }
echo "pidgin maps: agorachat.so and libsoup-3.0, no libsoup-2.4"
