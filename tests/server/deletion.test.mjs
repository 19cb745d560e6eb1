// One-way deletion of server history (R5): by ids (1..50), by time (at or
// before), everything; only the caller's view changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { chatQueue, groupQueue, textOf, fetchAll } from '../lib/agora.mjs';

const T0 = Date.now() - 24 * 3600_000;
const ctx = serverFixture({
  setup: async (c) => {
    const { app } = c;
    await app.createUsers(['alice', 'bob', 'carol', 'dave']);
    const messages = [];
    for (let i = 0; i < 80; i++) messages.push({ from: i % 2 ? 'bob' : 'alice', to: i % 2 ? 'alice' : 'bob', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `ab${i}` } });
    for (let i = 0; i < 10; i++) messages.push({ from: 'carol', to: 'alice', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `ac${i}` } });
    for (let i = 0; i < 10; i++) messages.push({ from: 'dave', to: 'alice', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `ad${i}` } });
    const data = await app.importData({ groups: [{ ref: 'g', groupname: 'G', owner: 'alice', members: ['bob', 'carol'] }], messages });
    c.gid = data.groups.g;
    const gm = [];
    for (let i = 0; i < 10; i++) gm.push({ from: 'bob', to: c.gid, type: 'groupchat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `g${i}` } });
    await app.importData({ messages: gm });
    c.alice = await app.userToken('alice');
    c.bob = await app.userToken('bob');
    c.carol = await app.userToken('carol');
  },
});

const history = async (user, token, queue) =>
  (await fetchAll(ctx.app, user, token, queue, { pageSize: 50, forward: true })).metas;
const delIds = (user, token, kind, peerParam, ids, resource = 'webim_web_1') =>
  ctx.app.call('DELETE', `/sdk/message/roaming/${kind}/user/${user}?${peerParam}&msgIdList=${ids.join(',')}&resource=${resource}`, { token });
const listIds = async (user, token) => {
  const r = await ctx.app.call('GET', `/sdk/user/${user}/user_channels/list?&limit=50&cursor=&need_mark=true`, { token });
  assert.equal(r.status, 200, String(r));
  return r.json.data.channel_infos.map((e) => e.session_to);
};

test('by ids: 3 ids gone for alice, bob still sees all 80', async () => {
  const before = await history('alice', ctx.alice, chatQueue('bob'));
  assert.equal(before.length, 80);
  const victims = [before[0], before[10], before[79]];
  const r = await delIds('alice', ctx.alice, 'chat', 'userId=bob', victims.map((m) => m.id));
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.requestStatusCode, 'ok');
  const after = await history('alice', ctx.alice, chatQueue('bob'));
  assert.equal(after.length, 77);
  const gone = new Set(victims.map((m) => m.id));
  assert.deepEqual(after.map((m) => m.id), before.filter((m) => !gone.has(m.id)).map((m) => m.id));
  const bobView = await history('bob', ctx.bob, chatQueue('alice'));
  assert.equal(bobView.length, 80);
  ctx.aliceAB = after;
});

test('by ids: deleting the same ids again is harmless', async () => {
  const before = await history('bob', ctx.bob, chatQueue('alice'));
  const r = await delIds('alice', ctx.alice, 'chat', 'userId=bob', [before[0].id]);
  assert.equal(r.status, 200, String(r));
  assert.equal((await history('alice', ctx.alice, chatQueue('bob'))).length, 77);
});

test('by ids: exactly 50 ids are accepted', async () => {
  const ids = ctx.aliceAB.slice(0, 50).map((m) => m.id);
  const r = await delIds('alice', ctx.alice, 'chat', 'userId=bob', ids);
  assert.equal(r.status, 200, String(r));
  const after = await history('alice', ctx.alice, chatQueue('bob'));
  assert.deepEqual(after.map(textOf), ctx.aliceAB.slice(50).map(textOf));
  assert.equal((await history('bob', ctx.bob, chatQueue('alice'))).length, 80);
});

test('by ids: 51 ids → 400 with the exact message, nothing deleted', async () => {
  const bobView = await history('bob', ctx.bob, chatQueue('alice'));
  const ids = bobView.slice(0, 51).map((m) => m.id);
  const r = await delIds('bob', ctx.bob, 'chat', 'userId=alice', ids);
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'param exception');
  assert.equal(r.json.error_description, 'delete msg list limit can not greater than 50');
  assert.equal((await history('bob', ctx.bob, chatQueue('alice'))).length, 80);
});

test('by ids: missing, empty or malformed id lists → 400', async () => {
  const base = '/sdk/message/roaming/chat/user/bob';
  for (const q of [
    '?userId=alice&resource=x',
    '?userId=alice&msgIdList=&resource=x',
    '?userId=alice&msgIdList=abc&resource=x',
    '?userId=alice&msgIdList=1,,2&resource=x',
    '?userId=alice&msgIdList=-1&resource=x',
    '?userId=alice&msgIdList=123456789012345678901234567890&resource=x',
    '?msgIdList=1&resource=x',
  ]) {
    const r = await ctx.app.call('DELETE', base + q, { token: ctx.bob });
    assert.equal(r.status, 400, `${q}: ${r}`);
    assert.equal(typeof r.json.error_description, 'string');
  }
  assert.equal((await history('bob', ctx.bob, chatQueue('alice'))).length, 80);
});

test('by time: at-or-before boundary, exact timestamp included', async () => {
  // bob deletes his view of carol? bob has none; use alice–carol: ac0..ac9 at T0 + i s.
  const r = await ctx.app.call('DELETE', `/sdk/message/roaming/chat/user/alice/time?userId=carol&delTime=${T0 + 4000}&&resource=webim_web_1`, { token: ctx.alice });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.requestStatusCode, 'ok');
  assert.deepEqual((await history('alice', ctx.alice, chatQueue('carol'))).map(textOf), ['ac5', 'ac6', 'ac7', 'ac8', 'ac9']);
  assert.equal((await history('carol', ctx.carol, chatQueue('alice'))).length, 10, 'carol unaffected');
});

test('by time: bad delTime → 400', async () => {
  for (const t of ['', 'abc', '-1', '1234567890123456789012']) {
    const r = await ctx.app.call('DELETE', `/sdk/message/roaming/chat/user/alice/time?userId=carol&delTime=${t}&&resource=x`, { token: ctx.alice });
    assert.equal(r.status, 400, `delTime=${t}: ${r}`);
  }
  assert.equal((await history('alice', ctx.alice, chatQueue('carol'))).length, 5);
});

test('deleting every message removes the conversation from the caller\'s list only', async () => {
  assert.ok((await listIds('alice', ctx.alice)).includes('carol'));
  const r = await ctx.app.call('DELETE', `/sdk/message/roaming/chat/user/alice/time?userId=carol&delTime=${Date.now()}&&resource=x`, { token: ctx.alice });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(await history('alice', ctx.alice, chatQueue('carol')), []);
  assert.ok(!(await listIds('alice', ctx.alice)).includes('carol'));
  assert.ok((await listIds('carol', ctx.carol)).includes('alice'), 'carol keeps the conversation');
  // A new message brings it back, with only the new message.
  await ctx.app.sendText('carol', 'alice', 'back again');
  assert.ok((await listIds('alice', ctx.alice)).includes('carol'));
  assert.deepEqual((await history('alice', ctx.alice, chatQueue('carol'))).map(textOf), ['back again']);
});

test('group: by ids and by time, only the caller\'s view', async () => {
  const before = await history('carol', ctx.carol, groupQueue(ctx.gid));
  assert.equal(before.length, 10);
  let r = await delIds('carol', ctx.carol, 'group', `groupId=${ctx.gid}`, [before[9].id, before[8].id]);
  assert.equal(r.status, 200, String(r));
  r = await ctx.app.call('DELETE', `/sdk/message/roaming/group/user/carol/time?groupId=${ctx.gid}&delTime=${T0 + 1000}&&resource=x`, { token: ctx.carol });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual((await history('carol', ctx.carol, groupQueue(ctx.gid))).map(textOf), ['g2', 'g3', 'g4', 'g5', 'g6', 'g7']);
  assert.equal((await history('bob', ctx.bob, groupQueue(ctx.gid))).length, 10);
  assert.equal((await history('alice', ctx.alice, groupQueue(ctx.gid))).length, 10);
});

test('cross-user: bob cannot delete alice\'s history (403) and nothing changes', async () => {
  const before = await history('alice', ctx.alice, chatQueue('dave'));
  let r = await delIds('alice', ctx.bob, 'chat', 'userId=dave', [before[0].id]);
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error, 'forbidden');
  r = await ctx.app.call('DELETE', `/sdk/message/roaming/chat/user/alice/time?userId=dave&delTime=${Date.now()}&&resource=x`, { token: ctx.bob });
  assert.equal(r.status, 403, String(r));
  r = await ctx.app.call('POST', '/sdk/message/roaming/user/alice/delete/all?resource=x', { token: ctx.bob });
  assert.equal(r.status, 403, String(r));
  assert.equal((await history('alice', ctx.alice, chatQueue('dave'))).length, 10);
});

test('a non-member cannot delete in a group (403)', async () => {
  const daveToken = await ctx.app.userToken('dave');
  const r = await ctx.app.call('DELETE', `/sdk/message/roaming/group/user/dave/time?groupId=${ctx.gid}&delTime=${Date.now()}&&resource=x`, { token: daveToken });
  assert.equal(r.status, 403, String(r));
});

test('delete/all: the caller\'s history and list are empty, others keep theirs', async () => {
  const r = await ctx.app.call('POST', '/sdk/message/roaming/user/alice/delete/all?resource=webim_web_1', { token: ctx.alice });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.requestStatusCode, 'ok');
  assert.equal(typeof r.json.timestamp, 'number');
  assert.deepEqual(await listIds('alice', ctx.alice), []);
  for (const q of [chatQueue('bob'), chatQueue('carol'), chatQueue('dave'), groupQueue(ctx.gid)]) {
    assert.deepEqual(await history('alice', ctx.alice, q), [], q);
  }
  assert.equal((await history('bob', ctx.bob, chatQueue('alice'))).length, 80);
  assert.equal((await history('bob', ctx.bob, groupQueue(ctx.gid))).length, 10);
  assert.ok((await listIds('bob', ctx.bob)).includes('alice'));
});

testServerSurvives(ctx);
