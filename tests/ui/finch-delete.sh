#!/usr/bin/env bash
# Remote deletion in Finch (a real terminal UI, in tmux) against a real
# server: /delete-last 1 from the conversation, then "Delete server history
# before…" from the buddy list's context menu (C-x); the screen and the
# server's request log are asserted.
#   finch-delete.sh SERVER_EXE PLUGIN_SO
# Skipped (77) only when finch or tmux is missing (scripts/install-deps.sh installs them).
set -euo pipefail
server_exe=$1
plugin_so=$2
command -v finch >/dev/null && command -v tmux >/dev/null || { echo "finch or tmux missing"; exit 77; }
here=$(dirname "$(readlink -f "$0")")
. "$here/ui-common.sh"

work=$(mktemp -d -t ac-finch-del.XXXXXX)
sock="ac-finch-del-$$"
server_pid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

write_seed "$work/seed.json"
start_server "$server_exe" "$work/seed.json"
write_profile "$plugin_so" gnt-purple

start_finch

deletes() { grep -c 'DELETE /org1/app1/sdk/message/roaming/chat/user/alice' "$work/server.log" || true; }

wait_for "Agora Chat (alic" "Bobby"
# Bobby is the row under the group (raw Down: send-keys Down does not move gnt's selection).
keys -l $'\eOB'
keys Enter
wait_for "Bobby: first of four" "Bobby: fourth of four"

# The command asks first; its default button is Cancel: Left selects Delete.
keys -l "/delete-last 1"
keys Enter
wait_for "Delete 1 message of Bobby (bob) from the server?" "The other party still has these messages."
[ "$(deletes)" = 0 ] || { echo "deleted before confirming"; exit 1; }
keys -l $'\eOD'
keys Enter
wait_for "1 message was deleted from the server" "Bobby: third of four"
! grep -qF "fourth of four" <<<"$(screen)" || { echo "deleted message still shown"; screen; exit 1; }
[ "$(deletes)" = 1 ] || { echo "expected one DELETE call"; exit 1; }
echo "/delete-last OK"

# The buddy list's context menu: (d) "Delete server history before…".
keys M-n
keys C-x
wait_for "Delete server history before…" "Delete messages from server…" "Delete conversation from server…"
keys d
wait_for "Date and time (YYYY-MM-DD HH:MM:SS, local time)" "3 stored messages are covered"
keys Tab
keys Enter
wait_for "3 messages stored on this computer are covered."
keys -l $'\eOD'
keys Enter
keys M-n
wait_for "3 messages were deleted from the server"
grep -q 'DELETE /org1/app1/sdk/message/roaming/chat/user/alice/time 200' "$work/server.log" \
  || { echo "no delete-by-time call"; cat "$work/server.log"; exit 1; }
echo "menu delete-before OK"

keys M-q
for _ in $(seq 50); do tmux -L "$sock" has-session -t finch 2>/dev/null || break; sleep 0.1; done
! tmux -L "$sock" has-session -t finch 2>/dev/null || { echo "finch did not quit on M-q"; exit 1; }
echo "finch quit OK"
