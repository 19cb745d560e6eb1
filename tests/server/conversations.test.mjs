// The three conversation-list variants (R2, R3): paged, legacy (7 days,
// limit 10) and cursor; entry shape (§3.4, §14), order, and access control.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, PASSWORD } from '../lib/agora.mjs';

const DAY = 86400_000;
const PEERS = Array.from({ length: 25 }, (_, i) => `peer${String(i).padStart(2, '0')}`);
const ctx = serverFixture({
  setup: async (c) => {
    const { app } = c;
    await app.createUsers(['alice', 'bob', 'carol', ...PEERS]);
    const gdata = await app.importData({
      groups: [{ ref: 'g', groupname: 'Team', owner: 'bob', members: ['alice', 'carol'] }],
    });
    c.gid = gdata.groups.g;
    // peerNN's last message is NN minutes old, alternating directions;
    // the group's last message is 12.5 minutes old.
    const messages = [];
    PEERS.forEach((p, i) => {
      messages.push({ from: p, to: 'alice', type: 'chat', age_ms: (i + 1) * 60_000 + 30_000, body: { type: 'txt', msg: `first ${p}` } });
      messages.push(i % 2
        ? { from: 'alice', to: p, type: 'chat', age_ms: (i + 1) * 60_000, body: { type: 'txt', msg: `last ${p}` } }
        : { from: p, to: 'alice', type: 'chat', age_ms: (i + 1) * 60_000, body: { type: 'txt', msg: `last ${p}` } });
    });
    messages.push({ from: 'bob', to: c.gid, type: 'groupchat', age_ms: 12.5 * 60_000, body: { type: 'txt', msg: 'group last' } });
    await app.importData({ messages });
    c.alice = await app.userToken('alice');
    c.bob = await app.userToken('bob');
    // alice's expected order: newest first.
    c.expected = [...PEERS.slice(0, 12), c.gid, ...PEERS.slice(12)];
  },
});

const idOf = (e) => e.session_to ?? e.channel_id;

function checkEntry(e, gid) {
  const group = e.session_to === gid;
  assert.equal(typeof e.session_to, 'string');
  assert.equal(e.session_type, group ? 'groupchat' : 'chat');
  assert.equal(e.channel_id, group ? `org1#app1_${gid}@conference.easemob.com` : `org1#app1_${e.session_to}@easemob.com`);
  assert.equal(typeof e.unread_num, 'number');
  assert.equal(typeof e.is_top, 'boolean');
  assert.equal(typeof e.update_top_status_time, 'number');
  assert.equal(typeof e.created_at, 'number');
  const m = e.meta;
  assert.match(m.id, /^[0-9]+$/, 'meta.id is a decimal string');
  assert.equal(typeof m.timestamp, 'number');
  const payload = JSON.parse(m.payload);
  assert.equal(payload.bodies[0].type, 'txt');
  if (group) {
    assert.equal(payload.bodies[0].msg, 'group last');
    assert.equal(payload.type, 'groupchat');
    assert.equal(payload.from, 'bob');
    assert.equal(payload.to, gid);
    assert.match(m.from, /^org1#app1_bob@easemob\.com\/.+/);
    assert.equal(m.to, `org1#app1_${gid}@conference.easemob.com`);
  } else {
    const p = e.session_to;
    const i = Number(p.slice(4));
    const sender = i % 2 ? 'alice' : p;
    assert.equal(payload.bodies[0].msg, `last ${p}`);
    assert.equal(payload.type, 'chat');
    assert.equal(payload.from, sender);
    assert.equal(payload.to, sender === 'alice' ? p : 'alice');
    assert.match(m.from, new RegExp(`^org1#app1_${sender}@easemob\\.com/.+`), 'meta.from is a full JID with resource');
    assert.equal(m.to, `org1#app1_${payload.to}@easemob.com`);
  }
}

test('paged list: pages of 10 cover all 26 conversations once, newest first, full entries', async () => {
  const seen = [];
  for (let page = 1; page <= 4; page++) {
    const r = await ctx.app.call('GET', `/users/alice/user_channels/page?pageNum=${page}&pageSize=10&_v=${Date.now()}`, { token: ctx.alice });
    assert.equal(r.status, 200, String(r));
    const infos = r.json.data.channel_infos;
    assert.equal(infos.length, [10, 10, 6, 0][page - 1], `page ${page}`);
    for (const e of infos) checkEntry(e, ctx.gid);
    seen.push(...infos.map(idOf));
  }
  assert.deepEqual(seen, ctx.expected);
  const times = [];
  for (let page = 1; page <= 3; page++) {
    const r = await ctx.app.call('GET', `/users/alice/user_channels/page?pageNum=${page}&pageSize=10`, { token: ctx.alice });
    times.push(...r.json.data.channel_infos.map((e) => e.meta.timestamp));
  }
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
});

test('paged list: bad pageNum/pageSize → 400', async () => {
  for (const q of ['pageNum=0&pageSize=10', 'pageNum=1&pageSize=0', 'pageNum=abc&pageSize=10', 'pageNum=1&pageSize=-5']) {
    const r = await ctx.app.call('GET', `/users/alice/user_channels/page?${q}`, { token: ctx.alice });
    assert.equal(r.status, 400, `${q}: ${r}`);
  }
});

test('cursor list: paging by 7 reaches the end, every conversation once, in order', async () => {
  const seen = [];
  let cursor = '';
  for (let calls = 0; ; calls++) {
    assert.ok(calls < 10, 'cursor paging does not end');
    const r = await ctx.app.call('GET', `/sdk/user/alice/user_channels/list?&limit=7&cursor=${cursor}&need_mark=true&_v=${Date.now()}`, { token: ctx.alice });
    assert.equal(r.status, 200, String(r));
    const infos = r.json.data.channel_infos;
    assert.ok(infos.length <= 7);
    for (const e of infos) checkEntry(e, ctx.gid);
    seen.push(...infos.map(idOf));
    cursor = r.json.data.cursor;
    if (!cursor) break;
    assert.equal(typeof cursor, 'string');
  }
  assert.deepEqual(seen, ctx.expected);
});

test('cursor list: a garbage cursor → 400, not a crash', async () => {
  const r = await ctx.app.call('GET', '/sdk/user/alice/user_channels/list?&limit=7&cursor=not-a-cursor&need_mark=true', { token: ctx.alice });
  assert.equal(r.status, 400, String(r));
});

test('a group conversation appears for every member', async () => {
  const r = await ctx.app.call('GET', '/sdk/user/bob/user_channels/list?&limit=50&cursor=&need_mark=true', { token: ctx.bob });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data.channel_infos.map(idOf), [ctx.gid]);
  assert.equal(r.json.data.channel_infos[0].session_type, 'groupchat');
});

test('a new message moves its conversation to the top', async () => {
  await ctx.app.sendText('peer20', 'alice', 'bump');
  const r = await ctx.app.call('GET', '/users/alice/user_channels/page?pageNum=1&pageSize=3', { token: ctx.alice });
  assert.equal(r.json.data.channel_infos[0].session_to, 'peer20');
  assert.equal(JSON.parse(r.json.data.channel_infos[0].meta.payload).bodies[0].msg, 'bump');
  ctx.expected = ['peer20', ...ctx.expected.filter((p) => p !== 'peer20')];
});

test('another user\'s conversation list is forbidden (403), all three variants', async () => {
  for (const p of [
    '/users/alice/user_channels',
    '/users/alice/user_channels/page?pageNum=1&pageSize=10',
    '/sdk/user/alice/user_channels/list?&limit=10&cursor=&need_mark=true',
  ]) {
    const r = await ctx.app.call('GET', p, { token: ctx.bob });
    assert.equal(r.status, 403, `${p}: ${r}`);
    assert.equal(r.json.error, 'forbidden');
    assert.equal(typeof r.json.error_description, 'string');
  }
});

test('legacy list: at most 10, only the last 7 days, newest first', async () => {
  const server = await startServer();
  try {
    const app = new AgoraApp(server);
    const recent = Array.from({ length: 14 }, (_, i) => `r${i}`);
    const old = ['o1', 'o2', 'o3'];
    await app.createUsers(['alice', 'carol', ...recent, ...old]);
    const messages = [];
    recent.forEach((p, i) => messages.push({ from: p, to: 'alice', type: 'chat', age_ms: (i + 1) * 6 * 3600_000, body: { type: 'txt', msg: p } }));
    old.forEach((p, i) => messages.push({ from: p, to: 'alice', type: 'chat', age_ms: 8 * DAY + i * 3600_000, body: { type: 'txt', msg: p } }));
    // carol has 3 recent and the same 3 old peers.
    ['r0', 'r1', 'r2'].forEach((p, i) => messages.push({ from: p, to: 'carol', type: 'chat', age_ms: (i + 1) * DAY, body: { type: 'txt', msg: p } }));
    old.forEach((p, i) => messages.push({ from: 'carol', to: p, type: 'chat', age_ms: 7 * DAY + 3600_000 + i * DAY, body: { type: 'txt', msg: p } }));
    await app.importData({ messages });

    const token = await app.userToken('alice', PASSWORD);
    const r = await app.call('GET', '/users/alice/user_channels', { token });
    assert.equal(r.status, 200, String(r));
    const infos = r.json.data.channel_infos;
    assert.deepEqual(infos.map((e) => e.channel_id), recent.slice(0, 10).map((p) => `org1#app1_${p}@easemob.com`));
    for (const e of infos) {
      assert.equal(typeof e.unread_num, 'number');
      assert.match(e.meta.id, /^[0-9]+$/);
      assert.equal(JSON.parse(e.meta.payload).bodies[0].msg, e.channel_id.slice(10, e.channel_id.indexOf('@')));
    }

    const ct = await app.userToken('carol', PASSWORD);
    const rc = await app.call('GET', '/users/carol/user_channels', { token: ct });
    assert.deepEqual(rc.json.data.channel_infos.map((e) => e.channel_id), ['r0', 'r1', 'r2'].map((p) => `org1#app1_${p}@easemob.com`));
    // The paged list still shows the old ones.
    const rp = await app.call('GET', '/users/carol/user_channels/page?pageNum=1&pageSize=20', { token: ct });
    assert.equal(rp.json.data.channel_infos.length, 6);
  } finally {
    await server.stop();
  }
});

test('legacy list honours --legacy-days and --legacy-limit', async () => {
  const server = await startServer({ args: ['--legacy-days', '1', '--legacy-limit', '2'] });
  try {
    const app = new AgoraApp(server);
    await app.createUsers(['alice', 'a', 'b', 'c', 'd']);
    await app.importData({
      messages: [
        { from: 'a', to: 'alice', type: 'chat', age_ms: 1000, body: { type: 'txt', msg: 'a' } },
        { from: 'b', to: 'alice', type: 'chat', age_ms: 2000, body: { type: 'txt', msg: 'b' } },
        { from: 'c', to: 'alice', type: 'chat', age_ms: 3000, body: { type: 'txt', msg: 'c' } },
        { from: 'd', to: 'alice', type: 'chat', age_ms: 2 * DAY, body: { type: 'txt', msg: 'd' } },
      ],
    });
    const token = await app.userToken('alice');
    const r = await app.call('GET', '/users/alice/user_channels', { token });
    assert.deepEqual(r.json.data.channel_infos.map((e) => e.channel_id), ['a', 'b'].map((p) => `org1#app1_${p}@easemob.com`));
  } finally {
    await server.stop();
  }
});

test('a user with no messages has empty lists', async () => {
  const t = await ctx.app.userToken('carol');
  // carol is in the group, so use a fresh user.
  await ctx.app.createUsers(['lonely']);
  const lt = await ctx.app.userToken('lonely');
  for (const p of ['/users/lonely/user_channels', '/users/lonely/user_channels/page?pageNum=1&pageSize=20',
    '/sdk/user/lonely/user_channels/list?&limit=20&cursor=&need_mark=true']) {
    const r = await ctx.app.call('GET', p, { token: lt });
    assert.equal(r.status, 200, `${p}: ${r}`);
    assert.deepEqual(r.json.data.channel_infos, [], p);
  }
  assert.ok(t);
});

testServerSurvives(ctx);
