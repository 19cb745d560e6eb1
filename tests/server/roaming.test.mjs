// messageroaming (R4): paging through 120 messages both ways, the decoded
// Meta, stability while new messages arrive, filters, and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { chatQueue, groupQueue, decodeRoaming, textOf, fetchAll } from '../lib/agora.mjs';
import { ContentType } from '../lib/pb.mjs';

const N = 120;
const T0 = Date.now() - 3 * 3600_000; // message i at T0 + i s
const ctx = serverFixture({
  setup: async (c) => {
    const { app } = c;
    await app.createUsers(['alice', 'bob', 'carol', 'dave', 'erin']);
    const messages = [];
    for (let i = 0; i < N; i++) {
      messages.push(i % 3 === 2
        ? { from: 'bob', to: 'alice', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `m${i} 你好` } }
        : { from: 'alice', to: 'bob', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `m${i} 你好` } });
    }
    // alice–carol: mixed body types.
    const mixed = [
      { type: 'txt', msg: 'text one' },
      { type: 'img', url: 'http://127.0.0.1/chatfiles/img1', secret: 's1', filename: 'cat.jpg', size: { width: 640, height: 480 }, file_length: 12345 },
      { type: 'file', url: 'http://127.0.0.1/chatfiles/f1', secret: 's2', filename: '报告.pdf', file_length: 999 },
      { type: 'loc', addr: '北京市海淀区', lat: 39.98, lng: 116.31, buildingName: 'Tower' },
      { type: 'txt', msg: 'text two' },
    ];
    mixed.forEach((body, i) => messages.push({ from: 'carol', to: 'alice', type: 'chat', timestamp: T0 + i * 1000, body }));
    const data = await app.importData({
      groups: [{ ref: 'g', groupname: 'G', owner: 'alice', members: ['bob', 'carol'] }],
      messages,
    });
    c.gid = data.groups.g;
    const gm = [];
    for (let i = 0; i < 30; i++) {
      gm.push({ from: ['alice', 'bob', 'carol'][i % 3], to: 'g', type: 'groupchat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `g${i}` } });
    }
    await app.importData({ messages: gm.map((m) => ({ ...m, to: c.gid })) });
    c.alice = await app.userToken('alice');
    c.bob = await app.userToken('bob');
    c.dave = await app.userToken('dave');
  },
});

const texts = (from, to) => Array.from({ length: to - from }, (_, k) => `m${from + k} 你好`);
const rev = (a) => [...a].reverse();

function checkChatMeta(meta, i, viewerPeer) {
  const sender = i % 3 === 2 ? 'bob' : 'alice';
  const receiver = sender === 'alice' ? 'bob' : 'alice';
  assert.match(meta.id, /^[0-9]+$/);
  assert.equal(meta.ns, 1, 'ns CHAT');
  assert.equal(meta.timestamp, T0 + i * 1000);
  assert.equal(meta.from.appKey, 'org1#app1');
  assert.equal(meta.from.name, sender);
  assert.equal(meta.from.domain, 'easemob.com');
  assert.equal(meta.to.name, receiver);
  assert.equal(meta.to.domain, 'easemob.com');
  assert.equal(meta.body.type, 1, 'MessageBody.type CHAT');
  assert.equal(meta.body.from.name, sender);
  assert.equal(meta.body.to.name, receiver);
  assert.equal(meta.body.contents.length, 1);
  assert.equal(meta.body.contents[0].type ?? 0, ContentType.TEXT);
  assert.equal(meta.body.contents[0].text, `m${i} 你好`);
  assert.ok(viewerPeer === sender || viewerPeer === receiver);
}

for (const pageSize of [50, 20]) {
  for (const forward of [false, true]) {
    test(`120 messages, pages of ${pageSize}, ${forward ? 'oldest' : 'newest'} first: each once, in order`, async () => {
      const sizes = [];
      const { metas } = await fetchAll(ctx.app, 'alice', ctx.alice, chatQueue('bob'), {
        pageSize, forward, onPage: (m, r) => {
          sizes.push(m.length);
          assert.equal(typeof r.json.data.is_last, 'boolean');
          assert.equal(typeof r.json.data.next_key, 'string');
          if (r.json.data.is_last) assert.equal(r.json.data.next_key, 'undefined');
          else assert.match(r.json.data.next_key, /^[0-9]+$/);
        },
      });
      const expected = forward ? texts(0, N) : rev(texts(0, N));
      assert.deepEqual(metas.map(textOf), expected);
      assert.equal(new Set(metas.map((m) => m.id)).size, N, 'ids unique');
      const full = Math.floor(N / pageSize);
      assert.deepEqual(sizes.slice(0, full), Array(full).fill(pageSize));
      assert.equal(sizes.reduce((a, b) => a + b, 0), N);
      metas.forEach((m, k) => checkChatMeta(m, forward ? k : N - 1 - k, 'bob'));
      // Ids grow with time.
      const ids = metas.map((m) => BigInt(m.id));
      for (let k = 1; k < ids.length; k++) assert.ok(forward ? ids[k] > ids[k - 1] : ids[k] < ids[k - 1]);
    });
  }
}

test('the other party sees the same messages with the same ids', async () => {
  const a = await fetchAll(ctx.app, 'alice', ctx.alice, chatQueue('bob'), { pageSize: 50 });
  const b = await fetchAll(ctx.app, 'bob', ctx.bob, chatQueue('alice'), { pageSize: 50 });
  assert.deepEqual(b.metas.map((m) => m.id), a.metas.map((m) => m.id));
  assert.deepEqual(b.metas.map(textOf), a.metas.map(textOf));
});

test('start is inclusive: start = an id returns that message first', async () => {
  const a = await fetchAll(ctx.app, 'alice', ctx.alice, chatQueue('bob'), { pageSize: 50 });
  const mid = a.metas[30];
  const r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: mid.id, pull_number: 5, is_positive: false });
  assert.deepEqual(decodeRoaming(r).map(textOf), a.metas.slice(30, 35).map(textOf));
  const f = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: mid.id, pull_number: 5, is_positive: true });
  assert.deepEqual(decodeRoaming(f).map(textOf), rev(a.metas.slice(26, 31)).map(textOf));
});

test('the reply envelope has what the SDK reads', async () => {
  const r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: -1, pull_number: 3 });
  assert.equal(r.status, 200, String(r));
  assert.ok(Array.isArray(r.json.data.msgs));
  assert.deepEqual(Object.keys(r.json.data.msgs[0]), ['msg']);
  assert.equal(r.json.data.is_last, false);
  assert.equal(typeof r.json.timestamp, 'number');
});

test('defaults: no pull_number → 20; pull_number above 50 is clamped to 50', async () => {
  let r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: -1 });
  assert.equal(r.status, 200, String(r));
  assert.equal(decodeRoaming(r).length, 20);
  r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob') });
  assert.equal(decodeRoaming(r).length, 20, 'start absent = from the newest');
  assert.equal(textOf(decodeRoaming(r)[0]), `m${N - 1} 你好`);
  r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: -1, pull_number: 500 });
  assert.equal(r.status, 200, String(r));
  assert.equal(decodeRoaming(r).length, 50);
});

test('new messages arriving between pages do not break paging', async () => {
  const { app } = ctx;
  await app.createUsers(['pager1', 'pager2']);
  const msgs = [];
  for (let i = 0; i < 60; i++) msgs.push({ from: 'pager1', to: 'pager2', type: 'chat', age_ms: 3600_000 - i * 1000, body: { type: 'txt', msg: `p${i}` } });
  await app.importData({ messages: msgs });
  const token = await app.userToken('pager2');
  // Backward: newer arrivals are above the cursor and must not appear or shift the pages.
  let added = 0;
  const back = await fetchAll(app, 'pager2', token, chatQueue('pager1'), {
    pageSize: 20,
    onPage: async () => { await app.sendText('pager1', 'pager2', `new ${added++}`); },
  });
  assert.deepEqual(back.metas.map(textOf), rev(msgs.map((m) => m.body.msg)));
  // Forward: everything, old then new, each once.
  let added2 = 0;
  const fwd = await fetchAll(app, 'pager2', token, chatQueue('pager1'), {
    pageSize: 25, forward: true,
    onPage: async (m, r, calls) => { if (calls <= 2) await app.sendText('pager2', 'pager1', `newer ${added2++}`); },
  });
  const expected = [...msgs.map((m) => m.body.msg), ...Array.from({ length: added }, (_, i) => `new ${i}`), 'newer 0', 'newer 1'];
  assert.deepEqual(fwd.metas.map(textOf), expected);
});

test('msgType filter: one type, several types, empty = all', async () => {
  const q = (msgType) => ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('carol'), start: -1, pull_number: 50, msgType });
  const types = async (msgType) => decodeRoaming(await q(msgType)).map((m) => m.body.contents[0].type ?? 0);
  assert.deepEqual(await types(''), [ContentType.TEXT, ContentType.LOCATION, ContentType.FILE, ContentType.IMAGE, ContentType.TEXT]);
  assert.deepEqual(await types('img'), [ContentType.IMAGE]);
  assert.deepEqual(await types('txt,loc'), [ContentType.TEXT, ContentType.LOCATION, ContentType.TEXT]);
  assert.deepEqual(await types('video'), []);
});

test('non-text bodies decode with their fields', async () => {
  const r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('carol'), start: -1, pull_number: 50, is_positive: true });
  const [, img, file, loc] = decodeRoaming(r).map((m) => m.body.contents[0]);
  assert.equal(img.type, ContentType.IMAGE);
  assert.equal(img.displayName, 'cat.jpg');
  assert.equal(img.secretKey, 's1');
  assert.equal(img.remotePath, 'http://127.0.0.1/chatfiles/img1');
  assert.deepEqual(img.size, { width: 640, height: 480 });
  assert.equal(img.fileLength, 12345);
  assert.equal(file.type, ContentType.FILE);
  assert.equal(file.displayName, '报告.pdf');
  assert.equal(file.fileLength, 999);
  assert.equal(loc.type, ContentType.LOCATION);
  assert.equal(loc.address, '北京市海淀区');
  assert.equal(loc.latitude, 39.98);
  assert.equal(loc.longitude, 116.31);
  assert.equal(loc.buildingName, 'Tower');
});

test('startTime / endTime filters (null and -1 ignored)', async () => {
  const q = async (extra) => {
    const r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: -1, pull_number: 50, is_positive: true, ...extra });
    assert.equal(r.status, 200, String(r));
    return decodeRoaming(r).map(textOf);
  };
  assert.deepEqual(await q({ startTime: T0 + 9500, endTime: T0 + 19500 }), texts(10, 20));
  assert.deepEqual(await q({ startTime: T0 + 99500, endTime: null }), texts(100, 120));
  assert.deepEqual(await q({ startTime: -1, endTime: T0 + 4500 }), texts(0, 5));
  assert.deepEqual(await q({ startTime: null, endTime: -1 }), texts(0, 50));
  // Backward with a window: newest of the window first.
  const r = await ctx.app.roaming('alice', ctx.alice, { queue: chatQueue('bob'), start: -1, pull_number: 3, is_positive: false, startTime: T0 + 9500, endTime: T0 + 19500 });
  assert.deepEqual(decodeRoaming(r).map(textOf), rev(texts(17, 20)));
});

test('group history: members read it, userId filters by sender', async () => {
  const all = await fetchAll(ctx.app, 'bob', ctx.bob, groupQueue(ctx.gid), { pageSize: 50, forward: true });
  assert.deepEqual(all.metas.map(textOf), Array.from({ length: 30 }, (_, i) => `g${i}`));
  for (const m of all.metas) {
    assert.equal(m.body.type, 2, 'GROUPCHAT');
    assert.equal(m.to.name, ctx.gid);
    assert.equal(m.to.domain, 'conference.easemob.com');
    assert.equal(m.body.to.name, ctx.gid);
  }
  const bobs = await fetchAll(ctx.app, 'alice', ctx.alice, groupQueue(ctx.gid), { pageSize: 4, forward: true, extra: { userId: 'bob' } });
  assert.deepEqual(bobs.metas.map(textOf), Array.from({ length: 10 }, (_, i) => `g${i * 3 + 1}`));
  for (const m of bobs.metas) assert.equal(m.body.from.name, 'bob');
});

test('a group id that is not a number → 400; unknown group or user → 404', async () => {
  for (const [queue, status] of [['notanumber@conference.easemob.com', 400], ['123456789@conference.easemob.com', 404], ['ghost@easemob.com', 404]]) {
    const r = await ctx.app.roaming('alice', ctx.alice, { queue, start: -1, pull_number: 10 });
    assert.equal(r.status, status, `${queue}: ${r}`);
    assert.equal(typeof r.json.error_description, 'string');
  }
});

test('a non-member cannot read a group (403)', async () => {
  const r = await ctx.app.roaming('dave', ctx.dave, { queue: groupQueue(ctx.gid), start: -1, pull_number: 10 });
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error, 'forbidden');
});

test('user B cannot read user A\'s history (403)', async () => {
  const r = await ctx.app.roaming('alice', ctx.bob, { queue: chatQueue('bob'), start: -1, pull_number: 10 });
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error, 'forbidden');
  assert.ok(!r.json.data, 'no data leaks with the 403');
});

test('a conversation without messages is empty and last', async () => {
  const r = await ctx.app.roaming('dave', ctx.dave, { queue: chatQueue('erin'), start: -1, pull_number: 10 });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data.msgs ?? [], []);
  assert.equal(r.json.data.is_last, true);
});

test('bad requests → 400 with an error body', async () => {
  const bad = [
    {},
    { queue: '' },
    { queue: 'bob' },
    { queue: '@easemob.com' },
    { queue: 'bob@elsewhere.com' },
    { queue: 5 },
    { queue: chatQueue('bob'), start: 'abc' },
    { queue: chatQueue('bob'), start: '99999999999999999999999' },
    { queue: chatQueue('bob'), pull_number: 'ten' },
    { queue: chatQueue('bob'), is_positive: 'yes' },
    { queue: chatQueue('bob'), msgType: 5 },
    { queue: chatQueue('bob'), msgType: 'bogus' },
    { queue: chatQueue('bob'), pull_number: 0 },
    { queue: chatQueue('bob'), pull_number: -3 },
    { queue: chatQueue('bob'), startTime: 'yesterday' },
    [chatQueue('bob')],
  ];
  for (const body of bad) {
    const r = await ctx.app.roaming('alice', ctx.alice, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
    assert.equal(typeof r.json.error, 'string');
    assert.equal(typeof r.json.error_description, 'string');
  }
  for (const rawBody of ['{', '{"queue":', 'null', '', '\u0000\u0001', '{"queue":"bob@easemob.com"}}']) {
    const r = await ctx.app.call('POST', '/users/alice/messageroaming', { token: ctx.alice, rawBody });
    assert.equal(r.status, 400, `${JSON.stringify(rawBody)}: ${r}`);
  }
});

testServerSurvives(ctx);
