#!/usr/bin/env bash
# Finch with the plugin signed in: /proc/PID/maps has the plugin and
# libsoup-3, never libsoup-2.4 (both in one process abort).
#   finch-libsoup.sh SERVER_EXE PLUGIN_SO DEMO_JSON
# Skipped (77) only when finch or tmux is missing.
set -euo pipefail
# start_server, write_profile
source "$(dirname "${BASH_SOURCE[0]}")/../ui/ui-common.sh"
server_exe=$1 plugin_so=$2 demo=$3
command -v finch >/dev/null && command -v tmux >/dev/null || { echo "finch or tmux missing"; exit 77; }
work=$(mktemp -d -t ac-finch-maps.XXXXXX)
sock="ac-finch-maps-$$"
server_pid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
start_server "$server_exe" "$demo"
write_profile "$plugin_so" gnt-purple demo-password
HOME="$work/home" LC_ALL=C.UTF-8 LANGUAGE= tmux -L "$sock" new-session -d -s finch -x 132 -y 40 \
  "exec finch -c '$profile' 2>'$work/finch.log'"
pid=$(tmux -L "$sock" list-panes -t finch -F '#{pane_pid}')
for _ in $(seq 150); do
  tmux -L "$sock" capture-pane -p -t finch | grep -q 'Bob Miller' && break; sleep 0.1
done
tmux -L "$sock" capture-pane -p -t finch | grep -q 'Bob Miller' || { echo "finch did not sign in"; tmux -L "$sock" capture-pane -p -t finch; exit 1; }
grep -q 'messageroaming 200' "$work/server.log" || sleep 2
[ "$(cat /proc/$pid/comm)" = finch ] || { echo "pane process is $(cat /proc/$pid/comm), not finch"; exit 1; }
maps=/proc/$pid/maps
grep -q '/agorachat\.so' "$maps" || { echo "agorachat.so not mapped in finch"; exit 1; }
grep -q 'libsoup-3\.0\.so' "$maps" || { echo "libsoup-3.0 not mapped in finch"; exit 1; }
! grep -q 'libsoup-2\.4' "$maps" || { echo "libsoup-2.4 mapped in finch"; exit 1; }
echo "finch maps: agorachat.so and libsoup-3.0, no libsoup-2.4"
