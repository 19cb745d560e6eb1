#!/usr/bin/env python3
"""bitlbee (libpurple) as a third real client of the installed plugin.

A local server with a few conversations, bitlbee as a forking daemon (libpurple refuses the
single-process daemon mode) on a loopback
port, and this script as the IRC client: it adds the Agora Chat account, sees
the buddies join &bitlbee, opens the query with bob (back-filled history
arrives as PRIVMSGs), joins the group chat as an IRC channel (its history
arrives there), and runs the plugin's /history command from the query.

usage: bitlbee-irc.py SERVER_EXE
bitlbee only searches libpurple's system plugin directory, so the plugin must
be installed (tests/dist/deb-package.sh runs this after dpkg -i).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SEED = {
    "users": [{"username": "alice", "password": "pw-a"},
              {"username": "bob", "password": "pw-b", "nickname": "Bob Miller"},
              {"username": "carol", "password": "pw-c", "nickname": "Carol"}],
    "groups": [{"ref": "g1", "groupname": "Tea Team", "owner": "carol", "members": ["alice", "bob"]}],
    "messages": [
        # 25 from bob: sign-in keeps the latest 20, /history 5 brings the rest.
        *[{"from": "bob", "to": "alice", "type": "chat", "age_ms": 900000 - i * 1000,
           "body": {"type": "txt", "msg": "bob line %02d" % i}} for i in range(1, 26)],
        {"from": "carol", "to": "g1", "type": "groupchat", "age_ms": 200000,
         "body": {"type": "txt", "msg": "tea at four"}}],
}


def fail(msg, irc=None):
    print("FAIL:", msg)
    if irc is not None:
        print("---- IRC transcript (tail) ----")
        print("\n".join(irc.lines[-60:]))
    sys.exit(1)


def post_json(url, body, token=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


class Irc:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.lines = []
        self.seen = 0  # lines before this index were already matched or skipped

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def say(self, target, text):
        self.send("PRIVMSG %s :%s" % (target, text))

    def wait(self, pattern, timeout=20, irc_fail=True):
        """Waits for a line (received since the last match) matching pattern."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            for i in range(self.seen, len(self.lines)):
                m = rx.search(self.lines[i])
                if m:
                    self.seen = i + 1
                    return m
            if time.time() > end:
                if irc_fail:
                    fail("no line matching %r within %ss" % (pattern, timeout), self)
                return None
            self.sock.settimeout(max(0.05, min(0.5, end - time.time())))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                fail("bitlbee closed the connection", self)
            self.buf += data
            while b"\r\n" in self.buf:
                line, self.buf = self.buf.split(b"\r\n", 1)
                text = line.decode("utf-8", "replace")
                if text.startswith("PING "):
                    self.send("PONG " + text[5:])
                self.lines.append(text)

    def rewind(self, to):
        self.seen = to


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    server_exe = sys.argv[1]
    if shutil.which("bitlbee") is None:
        print("bitlbee missing")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="ac-bitlbee.")
    procs = []
    try:
        server = subprocess.Popen([server_exe, "--listen", "127.0.0.1:0", "--db", work + "/server.db"],
                                  stdout=subprocess.PIPE, stderr=open(work + "/server.log", "w"), text=True)
        procs.append(server)
        m = re.search(r"listening on (http://\S+)", server.stdout.readline())
        if not m:
            fail("the local server did not start")
        url = m.group(1)
        token = post_json(url + "/org1/app1/token",
                          {"grant_type": "client_credentials", "client_id": "local-client-id",
                           "client_secret": "local-client-secret"})["access_token"]
        group_id = post_json(url + "/org1/app1/import", SEED, token)["data"]["groups"]["g1"]

        os.makedirs(work + "/conf")
        with open(work + "/bitlbee.conf", "w") as f:
            f.write("[settings]\nRunMode = ForkDaemon\nAuthMode = Open\nConfigDir = %s/conf\n" % work)
            if os.getuid() == 0:
                f.write("User = root\n")  # else bitlbee drops to a user that cannot write ConfigDir
        port = free_port()
        bitlbee = subprocess.Popen(["bitlbee", "-F", "-n", "-v", "-i", "127.0.0.1", "-p", str(port),
                                    "-c", work + "/bitlbee.conf", "-d", work + "/conf"],
                                   stdout=open(work + "/bitlbee.log", "w"), stderr=subprocess.STDOUT,
                                   env=dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE=""))
        procs.append(bitlbee)
        irc = None
        for _ in range(100):
            try:
                irc = Irc(port)
                break
            except OSError:
                time.sleep(0.1)
        if irc is None:
            fail("bitlbee did not listen on port %d" % port)

        irc.send("NICK tester")
        irc.send("USER tester 0 * :purple-agorachat test")
        irc.wait(r"JOIN :&bitlbee")
        irc.say("&bitlbee", "help purple")
        irc.wait(r"\* agorachat \(Agora Chat\)")
        print("bitlbee lists the agorachat protocol")

        irc.say("&bitlbee", "account add agorachat alice pw-a")
        irc.wait(r"Account successfully added with tag agorachat")
        irc.say("&bitlbee", "account agorachat set app_key org1#app1")
        irc.wait(r"app_key = .org1#app1")
        irc.say("&bitlbee", "account agorachat set rest_url " + url)
        irc.wait(r"rest_url = ")
        mark = irc.seen
        irc.say("&bitlbee", "account agorachat on")
        irc.wait(r"agorachat - Logging in: Logged in", timeout=30)
        print("account signed in")

        # The server's 1:1 conversation is a contact of &bitlbee.
        irc.rewind(mark)
        irc.wait(r"^:bob!bob@\S+ JOIN :&bitlbee")
        print("buddy bob joined &bitlbee")

        # The query with bob.  "/history 0" (a usage error, run by the plugin,
        # not sent) opens the conversation: the 20 lines kept at sign-in
        # arrive.  Then "/history 5" fetches the 5 older lines from the
        # server.  (bitlbee drops libpurple's system lines, so the commands'
        # notices are not seen here.)
        mark = irc.seen
        irc.say("bob", "/history 0")
        for i in range(6, 26):
            irc.wait(r"^:bob!\S+ PRIVMSG tester :.*bob line %02d$" % i)
        print("query with bob: the 20 back-filled lines, in order")
        irc.say("bob", "/history 5")
        for i in range(1, 6):
            irc.wait(r"^:bob!\S+ PRIVMSG tester :.*bob line %02d$" % i)
        print("/history 5 from IRC: the 5 older lines")
        for line in irc.lines[mark:]:
            if re.search(r"PRIVMSG tester :.*/history", line):
                fail("the command came back as a message: " + line, irc)

        # The group chat as an IRC channel with its history.
        irc.say("&bitlbee", "chat add agorachat %s #tea" % group_id)
        irc.wait(r"Chatroom successfully added")
        irc.send("JOIN #tea")
        irc.wait(r"JOIN :#tea")
        irc.wait(r"^:carol!\S+ PRIVMSG #tea :.*tea at four")
        print("group chat #tea: back-filled history OK")
        irc.send("QUIT :done")
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if os.environ.get("KEEP_BITLBEE_LOGS"):
            print("logs kept in", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
