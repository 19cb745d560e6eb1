// The MSYNC endpoint byte by byte with a plain WebSocket client: the
// PROVISION reply and its refusals, UNREAD as heartbeat, the SDK's STATISTIC
// frame left unanswered, pull/ack paging, and malformed frames closing only
// the connection that sent them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, DEFAULT_APP_KEY } from '../lib/agora.mjs';
import { readFields, decodeMeta } from '../lib/pb.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const WebSocket = createRequire(join(here, '../sdk/package.json'))('ws');

// ---- a minimal protobuf writer (varint and length-delimited fields) ----
function varint(n) {
  let v = BigInt(n);
  const out = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const V = (no, n) => [...varint(no << 3), ...varint(n)];
const B = (no, bytes) => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
const S = (no, s) => B(no, [...Buffer.from(s, 'utf8')]);
const frame = (...parts) => Buffer.from(parts.flat());

const jid = (name, domain = 'easemob.com', res) => [...S(1, DEFAULT_APP_KEY), ...S(2, name), ...S(3, domain), ...(res ? S(4, res) : [])];
function provisionFrame(user, token, resource) {
  const prov = [...V(1, 16), ...S(2, '1.4.0'), ...V(5, 0), ...V(6, 0), ...S(13, resource), ...S(17, 'v5.1'),
    ...S(18, JSON.stringify({ token: `$t$${token}` }))];
  return frame(V(1, 0), B(2, jid(user, 'easemob.com', resource)), S(3, `$t$${token}`), V(8, 3), B(9, prov), V(10, 0), V(11, 0));
}
const UNREAD = frame(V(1, 0), V(8, 1), V(11, 0));
const STATISTIC = frame(V(1, 0), V(8, 0), B(9, B(1, [...V(1, Date.now()), ...V(5, 0), ...B(6, V(1, 0))])), V(11, 0));
const pull = (queueJid, key) => frame(V(1, 0), V(8, 0), B(9, [...(key ? V(2, key) : []), ...B(3, queueJid)]), V(11, 0));
function sendFrame(to, text, id) {
  const body = [...V(1, 1), ...B(2, S(2, 'x')), ...B(3, S(2, to)), ...B(4, [...V(1, 0), ...S(2, text)])];
  return frame(V(1, 0), V(8, 0), B(9, B(1, [...V(1, id), ...B(3, jid(to)), ...V(5, 1), ...B(6, body)])), V(11, 0));
}

// ---- reading server frames ----
const one = (f, n) => f.get(n)?.at(-1)?.value;
const str = (v) => (v === undefined ? undefined : Buffer.from(v).toString('utf8'));
function decodeEnvelope(buf) {
  const f = readFields(buf);
  return { command: Number(one(f, 8) ?? 0n), payload: readFields(one(f, 9) ?? Buffer.alloc(0)) };
}
const status = (p, n) => {
  const s = readFields(one(p, n) ?? Buffer.alloc(0));
  return { code: Number(one(s, 1) ?? 0n), reason: str(one(s, 2)) };
};

class Client {
  constructor(url) {
    this.frames = [];
    this.waiters = [];
    this.ws = new WebSocket(url.replace('http', 'ws') + '/websocket');
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data) => {
      this.frames.push(decodeEnvelope(data));
      this.waiters.splice(0).forEach((w) => w());
    });
    this.ws.on('error', () => {});
  }

  open() {
    return new Promise((resolve, reject) => { this.ws.once('open', resolve); this.ws.once('error', reject); });
  }

  send(bytes, opts) { this.ws.send(bytes, opts); }

  async next(ms = 3000) {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0) {
      if (Date.now() > deadline) throw new Error('no frame from the server');
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
    return this.frames.shift();
  }

  async provision(user, token, resource) {
    this.send(provisionFrame(user, token, resource));
    const f = await this.next();
    assert.equal(f.command, 3);
    return { status: status(f.payload, 8), resource: str(one(f.payload, 13)), authToken: str(one(f.payload, 18)) };
  }
}

let server;
let app;
let tokens = {};

before(async () => {
  server = await startServer();
  app = new AgoraApp(server);
  await app.createUsers(['alice', 'bob', 'eve']);
  for (const u of ['alice', 'bob']) tokens[u] = await app.userToken(u);
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, `server exit status\n${server.logTail()}`);
});

async function connected(user, resource) {
  const c = new Client(server.url);
  await c.open();
  const r = await c.provision(user, tokens[user], resource);
  assert.equal(r.status.code, 0, r.status.reason);
  return c;
}

test('PROVISION: status OK, the resource echoed (normalised), token expiry as absolute ms', async () => {
  const c = new Client(server.url);
  await c.open();
  const r = await c.provision('alice', tokens.alice, 'web 1/x');
  assert.equal(r.status.code, 0);
  assert.equal(r.resource, 'web_1_x', 'the reply\'s resource is authoritative');
  const { expires_in: exp } = JSON.parse(r.authToken);
  assert.ok(exp > Date.now() + 3600_000 && exp < Date.now() + 2 * 86400_000, `expires_in ${exp}`);
  c.ws.close();
});

test('PROVISION refusals carry the reasons the SDK maps, then the socket closes', async () => {
  const cases = [
    ['alice', 'not-a-token', 1, 'Sorry, token or password does not match login info'],
    ['bob', tokens.alice, 1, 'Sorry, token or password does not match login info'],
    ['nobody', tokens.alice, 1, 'Sorry, user not found'],
  ];
  for (const [user, token, code, reason] of cases) {
    const c = new Client(server.url);
    await c.open();
    const r = await c.provision(user, token, 'r');
    assert.deepEqual(r.status, { code, reason }, `${user}`);
    assert.equal((await c.closed).code, 1008);
  }
  const short = await startServer({ args: ['--token-ttl', '1'] });
  try {
    const shortApp = new AgoraApp(short);
    await shortApp.createUsers(['zed']);
    const t = await shortApp.userToken('zed');
    await new Promise((r) => setTimeout(r, 1100));
    const c = new Client(short.url);
    await c.open();
    const r = await c.provision('zed', t, 'r');
    assert.deepEqual(r.status, { code: 1, reason: 'Sorry, token expired' });
  } finally {
    await short.stop();
  }
});

test('UNREAD is answered as a heartbeat; the STATISTIC rebuild frame gets no answer', async () => {
  const c = await connected('alice', 'hb');
  for (let i = 0; i < 2; i++) {
    c.send(UNREAD);
    const f = await c.next();
    assert.equal(f.command, 1);
    assert.equal(status(f.payload, 1).code, 0);
    assert.ok(Math.abs(Number(one(f.payload, 3)) - Date.now()) < 10_000, 'server timestamp');
  }
  c.send(STATISTIC);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.frames.length, 0);
  c.ws.close();
});

test('unread counts, pull with nextKey and isLast false, the key-ack ends with an empty isLast', async () => {
  const bob = await connected('bob', 'pull');
  const alice = await connected('alice', 'pull-a');
  const sent = [];
  for (let i = 0; i < 25; i++) {
    alice.send(sendFrame('bob', `n${i}`, 1000 + i));
    let f;
    do f = await alice.next(); while (f.command !== 0);
    assert.equal(status(f.payload, 1).code, 0);
    assert.equal(Number(one(f.payload, 2)), 1000 + i, 'metaId is the uplink Meta.id');
    sent.push(one(f.payload, 3));
  }
  // A NOTICE per message while bob is online; drain them.
  await new Promise((r) => setTimeout(r, 200));
  const notices = bob.frames.splice(0);
  assert.equal(notices.length, 25);
  assert.ok(notices.every((f) => f.command === 2));
  const noticeQueue = readFields(one(notices[0].payload, 1));
  assert.equal(str(one(noticeQueue, 2)), 'alice');
  assert.equal(one(noticeQueue, 3), undefined, 'the short JID: no domain for easemob.com');

  bob.send(UNREAD);
  const u = await bob.next();
  const queues = (u.payload.get(2) ?? []).map(({ value }) => readFields(value));
  assert.equal(queues.length, 1);
  assert.equal(Number(one(queues[0], 2)), 25);

  const q = one(queues[0], 1);
  const got = [];
  let key;
  for (let round = 0; round < 5; round++) {
    bob.send(pull(q, key));
    const f = await bob.next();
    assert.equal(f.command, 0);
    assert.equal(one(f.payload, 2), undefined, 'a pull reply has no metaId');
    assert.deepEqual(Buffer.from(one(f.payload, 6)), Buffer.from(q), 'the queue is echoed');
    const metas = (f.payload.get(4) ?? []).map(({ value }) => decodeMeta(value));
    if (one(f.payload, 7) === 1n) {
      assert.equal(metas.length, 0, 'isLast comes without metas');
      break;
    }
    assert.ok(metas.length > 0);
    got.push(...metas);
    assert.notEqual(one(f.payload, 5), key, 'nextKey moves');
    key = one(f.payload, 5);
  }
  assert.deepEqual(got.map((m) => BigInt(m.id)), sent);
  assert.equal(got[0].from.name, 'alice');
  assert.equal(got[0].from.clientResource, 'pull-a');
  bob.send(UNREAD);
  assert.equal(((await bob.next()).payload.get(2) ?? []).length, 0, 'nothing left once acknowledged');
  bob.ws.close();
  alice.ws.close();
});

test('uplink refusals: unknown user, group not joined, recall', async () => {
  const alice = await connected('alice', 'refuse');
  alice.send(sendFrame('nobody', 'x', 7));
  let f = await alice.next();
  assert.deepEqual(status(f.payload, 1), { code: 1, reason: 'user not found' });
  assert.equal(Number(one(f.payload, 2)), 7);
  const body = [...V(1, 6), ...B(3, S(2, 'bob')), ...B(4, []), ...V(6, 1)];
  alice.send(frame(V(1, 0), V(8, 0), B(9, B(1, [...V(1, 8), ...B(3, jid('bob')), ...V(5, 1), ...B(6, body)])), V(11, 0)));
  f = await alice.next();
  assert.deepEqual(status(f.payload, 1), { code: 1, reason: 'message recall disabled' });
  alice.ws.close();
});

test('malformed frames close only their own socket', async () => {
  const bystander = await connected('alice', 'bystander');
  const cases = [
    [(c) => c.send('hello', { binary: false }), 1003],
    [(c) => c.send(Buffer.from([0xff, 0xff, 0xff])), 1002],
    [(c) => c.send(UNREAD), 1008],
    [(c) => c.send(frame(V(1, 0), V(8, 2))), 1002],
  ];
  for (const [act, code] of cases) {
    const c = new Client(server.url);
    await c.open();
    act(c);
    assert.equal((await c.closed).code, code);
  }
  const garbageAfterLogin = await connected('bob', 'g');
  garbageAfterLogin.send(frame(V(1, 0), V(8, 0), B(9, B(3, []))));
  assert.equal((await garbageAfterLogin.closed).code, 1002);
  bystander.send(UNREAD);
  assert.equal((await bystander.next()).command, 1, 'the other connection still answers');
  bystander.ws.close();
});
