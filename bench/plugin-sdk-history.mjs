// The official Web SDK (agora-chat 1.4.0, through the tests/sdk harness)
// fetching the same history as the plugin benchmark from the same server:
// every conversation of READER, newest first, pages of 50, 3 conversations at
// a time like the plugin.  Prints "sdk_ms=<wall> messages=<n> pages=<n>".
//   node bench/plugin-sdk-history.mjs URL USER PASSWORD N_CONVS
import { newConnection, signInWithoutSocket, timed } from '../tests/sdk/sdk-harness.mjs';

const [url, user, password, nConvs] = process.argv.slice(2);
const CONCURRENCY = 3;

const tokenReply = await fetch(`${url}/org1/app1/token`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ grant_type: 'password', username: user, password }),
});
if (!tokenReply.ok) throw new Error(`token: HTTP ${tokenReply.status}`);
const { access_token: token } = await tokenReply.json();
const conn = signInWithoutSocket(newConnection(url), user, token);
const call = timed(conn);
const peers = Array.from({ length: Number(nConvs) }, (_, c) => `peer${String(c).padStart(3, '0')}`);

let messages = 0;
let pages = 0;
async function walk(peer) {
  let cursor = -1;
  for (;;) {
    const res = await call.getHistoryMessages({ targetId: peer, chatType: 'singleChat', pageSize: 50, cursor });
    messages += res.messages.length;
    pages++;
    if (res.isLast || res.messages.length === 0) return;
    cursor = res.cursor;
  }
}

const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < peers.length) await walk(peers[next++]);
}));
const ms = performance.now() - t0;
console.log(`sdk_ms=${ms.toFixed(0)} messages=${messages} pages=${pages}`);
try { conn.close?.(); } catch { /* no socket was opened */ }
process.exit(0);
