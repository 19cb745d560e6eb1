#!/usr/bin/env bash
# Finch (a real libpurple terminal UI) in tmux against a real local server:
# the buddy list shows the server conversations with their nicknames and the
# group chat, and opening one shows its back-filled history; /history answers.
#   finch-tmux.sh SERVER_EXE PLUGIN_SO
# Skipped (77) only when finch or tmux is missing (scripts/install-deps.sh installs them).
set -euo pipefail
# start_server, write_profile
source "$(dirname "${BASH_SOURCE[0]}")/../ui/ui-common.sh"
server_exe=$1
plugin_so=$2
command -v finch >/dev/null && command -v tmux >/dev/null || { echo "finch or tmux missing"; exit 77; }

work=$(mktemp -d -t ac-finch.XXXXXX)
sock="ac-finch-$$"
server_pid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/seed.json" <<'JSON'
{"users":[{"username":"alice","password":"pw-a"},{"username":"bob","password":"pw-b","nickname":"Bobby"},
          {"username":"carol","password":"pw-c","nickname":"Carol C"}],
 "groups":[{"ref":"g1","groupname":"Tea Team","owner":"carol","members":["alice","bob"]}],
 "messages":[
  {"from":"bob","to":"alice","type":"chat","age_ms":600000,"body":{"type":"txt","msg":"backfilled hello one"}},
  {"from":"alice","to":"bob","type":"chat","age_ms":500000,"body":{"type":"txt","msg":"my reply from the phone"}},
  {"from":"bob","to":"alice","type":"chat","age_ms":400000,"body":{"type":"txt","msg":"backfilled hello three"}},
  {"from":"carol","to":"alice","type":"chat","age_ms":300000,"body":{"type":"txt","msg":"carol says hi"}},
  {"from":"carol","to":"g1","type":"groupchat","age_ms":200000,"body":{"type":"txt","msg":"tea at four"}}]}
JSON
start_server "$server_exe" "$work/seed.json"

write_profile "$plugin_so" gnt-purple pw-a

start_finch


# The buddy list: this account's group, the chat by its group name, buddies by nickname.
wait_for "Agora Chat (alic" "Tea Team" "Bobby" "Carol C"
echo "buddy list OK"

# Select Bobby (the group row, the chat, then Bobby) and open the conversation.
# (send-keys Down does not move gnt's selection; the raw sequence does.)
for _ in 1 2; do tmux -L "$sock" send-keys -t finch -l $'\eOB'; sleep 0.2; done
tmux -L "$sock" send-keys -t finch Enter
wait_for "Bobby (alice -- Agora Chat)" "Bobby: backfilled hello one" "alice: my reply from the phone" \
  "Bobby: backfilled hello three"
# In order, each once.
s=$(screen)
[ "$(grep -c 'backfilled hello' <<<"$s")" = 2 ] || { echo "history lines doubled"; echo "$s"; exit 1; }
one=$(grep -n 'backfilled hello one' <<<"$s" | cut -d: -f1)
three=$(grep -n 'backfilled hello three' <<<"$s" | cut -d: -f1)
[ "$one" -lt "$three" ] || { echo "history out of order"; echo "$s"; exit 1; }
echo "back-filled conversation OK"

tmux -L "$sock" send-keys -t finch -l "/history"
tmux -L "$sock" send-keys -t finch Enter
wait_for "There are no older messages on the server."
echo "/history OK"

tmux -L "$sock" send-keys -t finch M-q
for _ in $(seq 50); do tmux -L "$sock" has-session -t finch 2>/dev/null || break; sleep 0.1; done
! tmux -L "$sock" has-session -t finch 2>/dev/null || { echo "finch did not quit on M-q"; exit 1; }
echo "finch quit OK"
