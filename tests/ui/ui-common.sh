# Shared by the UI tests (sourced): a local server with a seed, and a
# libpurple profile for alice with the built plugin.
#   start_server SERVER_EXE SEED_JSON   → $url, $server_pid; logs in $work
#   write_profile PLUGIN_SO UI_ID [PASSWORD] → $profile (accounts.xml auto-login for UI_ID;
#                                        alice's password, default pw-a)
#   start_xvfb WIDTHxHEIGHT             → an Xvfb on a display it picked itself: $DISPLAY, $xvfb_pid
#   start_pidgin TITLE [VAR=value…]     → Pidgin with $profile on $DISPLAY, log in $work: $pidgin_pid
#                                        (TITLE: its buddy list window's, in its language)
#   start_finch                         → Finch in tmux session "finch" on socket $sock
#   keys ARGS…, screen, wait_for TEXT…  → type, read the screen, wait for text (15 s)
# $work must be set (a temporary directory the caller removes); $sock for Finch.
start_server() {
  "$1" --listen 127.0.0.1:0 --db "$work/server.db" --seed "$2" >"$work/server.out" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 200); do grep -q 'listening on' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/server.out")
  [ -n "$url" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }
}

# -displayfd: the X server takes a free display itself and says which, where
# scanning for lock files could pick one that another server (or a stale
# socket) holds.  -noreset: an X server resets when its last client leaves,
# and a client connecting meanwhile is refused; a probe such as xwininfo
# just before Pidgin starts was such a last client ("cannot open display"
# once in a few CI runs).
start_xvfb() {
  exec 3>"$work/display"
  Xvfb -displayfd 3 -noreset -screen 0 "$1x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 200); do [ -s "$work/display" ] && break; sleep 0.05; done
  exec 3>&-
  [ -s "$work/display" ] || { echo "Xvfb did not start"; cat "$work/xvfb.log"; exit 1; }
  export DISPLAY=":$(cat "$work/display")"
}

# Twice in some twenty CI runs GTK could not open the display that xwininfo
# had just used (Pidgin's log: "cannot open display"); never here on demand.
# That is the X server's or GTK's, not the plugin's: say so, and start
# Pidgin once more.  NO_AT_BRIDGE: GTK would look for the accessibility bus
# on a session bus that is not there.
start_pidgin() {
  local title=$1 attempt
  shift
  for attempt in 1 2; do
    env HOME="$work/home" LC_ALL=C.UTF-8 NO_AT_BRIDGE=1 "$@" pidgin -c "$profile" >"$work/pidgin.log" 2>&1 &
    pidgin_pid=$!
    for _ in $(seq 300); do
      kill -0 "$pidgin_pid" 2>/dev/null || break
      xdotool search --name "^$title\$" >/dev/null 2>&1 && return 0
      sleep 0.1
    done
    kill -0 "$pidgin_pid" 2>/dev/null && return 0 # still starting: the caller waits on
    grep -q 'cannot open display' "$work/pidgin.log" || return 0 # the caller reports it
    echo "(attempt $attempt: Pidgin could not open $DISPLAY)" >&2
    tail -n 5 "$work/pidgin.log" "$work/xvfb.log" >&2
  done
}

write_profile() {
  profile="$work/profile"
  mkdir -p "$profile/plugins" "$work/home"
  cp "$1" "$profile/plugins/"
  cat >"$profile/accounts.xml" <<XML
<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>prpl-agorachat</protocol>
  <name>alice</name>
  <password>${3:-pw-a}</password>
  <settings>
   <setting name='app_key' type='string'>org1#app1</setting>
   <setting name='rest_url' type='string'>$url</setting>
  </settings>
  <settings ui='$2'><setting name='auto-login' type='bool'>1</setting></settings>
 </account>
</account>
XML
}

# alice and bob: four messages, the last three minutes ago.
write_seed() {
  cat >"$1" <<'JSON'
{"users":[{"username":"alice","password":"pw-a"},{"username":"bob","password":"pw-b","nickname":"Bobby"}],
 "messages":[
  {"from":"bob","to":"alice","type":"chat","age_ms":600000,"body":{"type":"txt","msg":"first of four"}},
  {"from":"alice","to":"bob","type":"chat","age_ms":500000,"body":{"type":"txt","msg":"second of four"}},
  {"from":"bob","to":"alice","type":"chat","age_ms":400000,"body":{"type":"txt","msg":"third of four"}},
  {"from":"bob","to":"alice","type":"chat","age_ms":300000,"body":{"type":"txt","msg":"fourth of four"}}]}
JSON
}

# gnt reads ~/.gntrc: a private HOME keeps the user's out of the test.
start_finch() {
  HOME="$work/home" LC_ALL=C.UTF-8 LANGUAGE= tmux -L "$sock" new-session -d -s finch -x 132 -y 40 \
    "finch -c '$profile' 2>'$work/finch.log'"
}

keys() { tmux -L "$sock" send-keys -t finch "$@"; sleep 0.3; }
screen() { tmux -L "$sock" capture-pane -p -t finch; }
wait_for() { # wait_for TEXT...: every TEXT on the screen within 15 s
  for _ in $(seq 150); do
    local s ok=1
    s=$(screen)
    for t in "$@"; do grep -qF -- "$t" <<<"$s" || ok=0; done
    [ $ok = 1 ] && return 0
    sleep 0.1
  done
  echo "not on the screen: $*"; echo "---- screen ----"; screen; echo "---- finch log (tail) ----"
  tail -20 "$work/finch.log"; return 1
}
