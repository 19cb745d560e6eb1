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

# Every wait below is for a condition seen on the display or in the server's
# log, polled up to a deadline in wall-clock seconds: no fixed sleep stands in
# for "Pidgin got there" (on a loaded machine it may not have).
# until_within SECONDS CMD...: CMD succeeds within SECONDS (polled every 0.1 s).
until_within() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.1
  done
}

start_xvfb 1024x700
until_within 30 xwininfo -root >/dev/null 2>&1 || { echo "Xvfb on $DISPLAY does not answer"; exit 1; }
start_pidgin "Buddy List" LANGUAGE=

viewable() { xwininfo -id "$1" 2>/dev/null | grep -q 'Map State: IsViewable'; }
viewable_titled() { # viewable_titled TITLE: prints the id of a viewable window with that title
  local id
  for id in $(xdotool search --name "^$1\$" 2>/dev/null); do
    viewable "$id" && { echo "$id"; return 0; }
  done
  return 1
}
window() { # window TITLE: the id of a viewable window with that title, within 60 s
  until_within 60 viewable_titled "$1" && return 0
  echo "no viewable window \"$1\"" >&2
  if kill -0 "$pidgin_pid" 2>/dev/null; then echo "(pidgin is running)" >&2; else echo "(pidgin has exited)" >&2; fi
  tail -n 40 "$work/pidgin.log" "$work/xvfb.log" >&2
  import -window root "$out/failed.png"; return 1
}
# A popup menu is an override-redirect window of Pidgin's; the 1-line
# tooltip-sized ones (10 px) are not menus.
menu_shown() {
  local id
  for id in $(xdotool search --onlyvisible --name '^Pidgin$' 2>/dev/null); do
    xwininfo -id "$id" 2>/dev/null | grep -q 'Override Redirect State: yes' || continue
    local h
    h=$(xwininfo -id "$id" 2>/dev/null | sed -n 's/^ *Height: *//p')
    [ "${h:-0}" -gt 50 ] && return 0
  done
  return 1
}
blist=$(window "Buddy List")
# Signed in and synced: the buddy is in the list (its row under the group row).
until_within 60 grep -q 'POST /org1/app1/users/alice/messageroaming 200' "$work/server.log" \
  || { echo "alice's history was never fetched"; cat "$work/server.log"; exit 1; }
xdotool windowmove "$blist" 0 0
until_within 10 sh -c "xwininfo -id $blist | grep -qE 'Absolute upper-left X: +0\$'" \
  || { echo "the buddy list did not move"; exit 1; }
import -window root "$out/pidgin-buddy-list.png"

# open_from_menu N TITLE PNG: right-click Bobby, the Nth menu item, the dialog TITLE.
# Keys go to the menu only once it is up (it grabs the keyboard); sent
# earlier they would move the list's selection and open a conversation.
# Until the list has drawn Bobby's row a right-click there opens no menu:
# click again until one opens.
right_click_bobby() {
  xdotool mousemove 55 60 click 3
  until_within 3 menu_shown || { xdotool key Escape; return 1; }
}
open_from_menu() {
  until_within 60 right_click_bobby || { echo "no menu for Bobby"; import -window root "$out/failed.png"; exit 1; }
  for _ in $(seq "$1"); do xdotool key Down; done
  xdotool key Return
  local id
  id=$(window "$2")
  viewable "$id"
  xdotool windowmove "$id" 260 0
  until_within 10 sh -c "xwininfo -id $id | grep -qE 'Absolute upper-left X: +260\$'" \
    || { echo "\"$2\" did not move"; exit 1; }
  sleep 0.5 # the screenshot only: let GTK paint the moved dialog
  import -window root "$out/$3"
  echo "$2: viewable, $out/$3"
  # No window manager: focus follows the pointer; Escape is the dialog's
  # Cancel.  It must go: the next right-click needs the list, not the dialog.
  xdotool mousemove 300 20
  local _
  for _ in 1 2 3; do
    xdotool key Escape 2>/dev/null || true
    until_within 10 sh -c "! xwininfo -id $id 2>/dev/null | grep -q IsViewable" && return 0
  done
  echo "\"$2\" did not close on Escape"; import -window root "$out/failed.png"; exit 1
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
