#!/usr/bin/env bash
# Pidgin (a real GTK window) under Xvfb against a real server: opens each
# deletion dialog from the buddy's right-click menu, saves a screenshot of
# each into OUT_DIR (kept as artifacts of the test run) and asserts that the
# dialog window is viewable (xwininfo).  Every dialog is cancelled: nothing
# may reach the server's delete endpoints.
#   pidgin-delete-dialogs.sh SERVER_EXE PLUGIN_SO OUT_DIR
# Skipped (77) only when pidgin, Xvfb, xdotool, xwininfo or import is missing.
set -euo pipefail
server_exe=$1
plugin_so=$2
out=$3
for tool in pidgin Xvfb xdotool xwininfo import; do
  command -v $tool >/dev/null || { echo "$tool missing"; exit 77; }
done
here=$(dirname "$(readlink -f "$0")")
. "$here/ui-common.sh"

work=$(mktemp -d -t ac-pidgin-del.XXXXXX)
server_pid="" xvfb_pid="" pidgin_pid=""
cleanup() {
  for p in "$pidgin_pid" "$server_pid" "$xvfb_pid"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"

write_seed "$work/seed.json"
start_server "$server_exe" "$work/seed.json"
write_profile "$plugin_so" gtk-gaim
# No tray: show the buddy list at once; no spell checker noise.
cat >"$profile/prefs.xml" <<'XML'
<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'><pref name='pidgin'>
 <pref name='docklet'><pref name='show' type='string' value='never'/></pref>
 <pref name='blist'><pref name='list_visible' type='bool' value='1'/></pref>
 <pref name='conversations'><pref name='spellcheck' type='bool' value='0'/></pref>
</pref></pref>
XML

# A free display number.
for n in $(seq 90 140); do [ -e /tmp/.X$n-lock ] || { display=:$n; break; }; done
Xvfb "$display" -screen 0 1024x700x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
for _ in $(seq 50); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.1; done
HOME="$work/home" LC_ALL=C.UTF-8 LANGUAGE= pidgin -c "$profile" >"$work/pidgin.log" 2>&1 &
pidgin_pid=$!

window() { # window TITLE: the id of a viewable window with that title, within 15 s
  for _ in $(seq 150); do
    for id in $(xdotool search --name "^$1\$" 2>/dev/null); do
      xwininfo -id "$id" | grep -q 'Map State: IsViewable' && { echo "$id"; return 0; }
    done
    sleep 0.1
  done
  echo "no viewable window \"$1\"" >&2; import -window root "$out/failed.png"; return 1
}
blist=$(window "Buddy List")
# Wait for the buddy (signed in, list filled): its row is under the group row.
for _ in $(seq 100); do grep -q 'POST /org1/app1/users/alice/messageroaming 200' "$work/server.log" && break; sleep 0.1; done
sleep 1
xdotool windowmove "$blist" 0 0
import -window root "$out/pidgin-buddy-list.png"

# open_from_menu N TITLE PNG: right-click Bobby, the Nth menu item, the dialog TITLE.
open_from_menu() {
  xdotool mousemove 55 60 click 3
  sleep 0.5
  for _ in $(seq "$1"); do xdotool key Down; done
  xdotool key Return
  local id
  id=$(window "$2")
  xwininfo -id "$id" | grep -q 'Map State: IsViewable'
  xdotool windowmove "$id" 260 0
  sleep 0.5
  import -window root "$out/$3"
  echo "$2: viewable, $out/$3"
  # No window manager: focus follows the pointer; Escape is the dialog's Cancel.
  xdotool mousemove 300 20
  xdotool key Escape 2>/dev/null || true
  for _ in $(seq 50); do xwininfo -id "$id" 2>/dev/null | grep -q IsViewable || break; sleep 0.1; done
}

# Menu: IM, Add Buddy Pounce, View Log, Show When Offline, Load older messages,
# then ours.
open_from_menu 6 "Delete server history before" pidgin-delete-before.png
open_from_menu 7 "Delete messages from server" pidgin-delete-messages.png
open_from_menu 8 "Delete conversation from server" pidgin-delete-conversation.png

if grep -q 'DELETE ' "$work/server.log"; then
  echo "a cancelled dialog reached the server"; grep DELETE "$work/server.log"; exit 1
fi
echo "all dialogs viewable, nothing deleted"
