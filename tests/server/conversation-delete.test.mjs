// Conversation deletion (R6): DELETE user/{u}/user_channel with and without
// delete_roam, seen from both users; group conversations; errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { chatQueue, groupQueue, textOf, fetchAll } from '../lib/agora.mjs';

const ctx = serverFixture({
  setup: async (c) => {
    const { app } = c;
    await app.createUsers(['alice', 'bob', 'carol', 'dave']);
    const data = await app.importData({ groups: [{ ref: 'g', groupname: 'G', owner: 'alice', members: ['bob', 'carol'] }] });
    c.gid = data.groups.g;
    const messages = [];
    for (let i = 0; i < 6; i++) {
      messages.push({ from: 'alice', to: 'bob', type: 'chat', age_ms: 60_000 - i * 1000, body: { type: 'txt', msg: `ab${i}` } });
      messages.push({ from: 'carol', to: 'alice', type: 'chat', age_ms: 60_000 - i * 1000, body: { type: 'txt', msg: `ac${i}` } });
      messages.push({ from: 'dave', to: 'alice', type: 'chat', age_ms: 60_000 - i * 1000, body: { type: 'txt', msg: `ad${i}` } });
      messages.push({ from: 'bob', to: c.gid, type: 'groupchat', age_ms: 60_000 - i * 1000, body: { type: 'txt', msg: `g${i}` } });
    }
    await app.importData({ messages });
    for (const u of ['alice', 'bob', 'carol', 'dave']) c[u] = await app.userToken(u);
  },
});

const history = async (user, queue) => (await fetchAll(ctx.app, user, ctx[user], queue, { pageSize: 50 })).metas.map(textOf);
const lists = async (user) => {
  const out = {};
  const t = ctx[user];
  const a = await ctx.app.call('GET', `/sdk/user/${user}/user_channels/list?&limit=50&cursor=&need_mark=true`, { token: t });
  const b = await ctx.app.call('GET', `/users/${user}/user_channels/page?pageNum=1&pageSize=20`, { token: t });
  const c = await ctx.app.call('GET', `/users/${user}/user_channels`, { token: t });
  for (const r of [a, b, c]) assert.equal(r.status, 200, String(r));
  out.cursor = a.json.data.channel_infos.map((e) => e.session_to);
  out.page = b.json.data.channel_infos.map((e) => e.session_to);
  out.legacy = c.json.data.channel_infos.map((e) => e.channel_id.replace(/^org1#app1_/, '').replace(/@.*$/, ''));
  return out;
};
const delConv = (user, body, token = ctx[user]) =>
  ctx.app.call('DELETE', `/user/${user}/user_channel?resource=webim_web_1`, { token, body });

test('without delete_roam: gone from both users\' lists, history kept for both', async () => {
  assert.ok((await lists('alice')).cursor.includes('bob'));
  const r = await delConv('alice', { channel: 'bob', type: 'chat', delete_roam: false });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.data.result, 'ok');
  for (const [user, peer] of [['alice', 'bob'], ['bob', 'alice']]) {
    const l = await lists(user);
    for (const v of ['cursor', 'page', 'legacy']) assert.ok(!l[v].includes(peer), `${user} ${v} list still has ${peer}`);
  }
  const expected = ['ab5', 'ab4', 'ab3', 'ab2', 'ab1', 'ab0'];
  assert.deepEqual(await history('alice', chatQueue('bob')), expected);
  assert.deepEqual(await history('bob', chatQueue('alice')), expected);
  // Other conversations are untouched.
  assert.ok((await lists('alice')).cursor.includes('carol'));
});

test('a newer message brings a deleted conversation back for both', async () => {
  await ctx.app.sendText('bob', 'alice', 'are you there?');
  assert.equal((await lists('alice')).cursor[0], 'bob');
  assert.equal((await lists('bob')).cursor[0], 'alice');
  assert.equal((await history('alice', chatQueue('bob')))[0], 'are you there?');
});

test('with delete_roam: neither user can fetch the messages or see the conversation', async () => {
  const r = await delConv('carol', { channel: 'alice', type: 'chat', delete_roam: true });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.data.result, 'ok');
  assert.deepEqual(await history('carol', chatQueue('alice')), []);
  assert.deepEqual(await history('alice', chatQueue('carol')), []);
  for (const [user, peer] of [['alice', 'carol'], ['carol', 'alice']]) {
    const l = await lists(user);
    for (const v of ['cursor', 'page', 'legacy']) assert.ok(!l[v].includes(peer), `${user} ${v} still has ${peer}`);
  }
  // dave's conversation with alice is untouched.
  assert.equal((await history('alice', chatQueue('dave'))).length, 6);
});

test('group conversation ("groupChat" as the SDK sends it), without delete_roam', async () => {
  const r = await delConv('bob', { channel: ctx.gid, type: 'groupChat', delete_roam: false });
  assert.equal(r.status, 200, String(r));
  for (const u of ['alice', 'bob', 'carol']) {
    assert.ok(!(await lists(u)).cursor.includes(ctx.gid), `${u} still lists the group`);
  }
  assert.equal((await history('carol', groupQueue(ctx.gid))).length, 6);
});

test('group conversation ("groupchat"), with delete_roam: nobody can fetch it', async () => {
  await ctx.app.sendText('carol', ctx.gid, 'new in group', { group: true });
  assert.ok((await lists('alice')).cursor.includes(ctx.gid));
  const r = await delConv('alice', { channel: ctx.gid, type: 'groupchat', delete_roam: true });
  assert.equal(r.status, 200, String(r));
  for (const u of ['alice', 'bob', 'carol']) {
    assert.deepEqual(await history(u, groupQueue(ctx.gid)), [], u);
    assert.ok(!(await lists(u)).cursor.includes(ctx.gid));
  }
});

test('errors: missing fields, wrong types, unreadable body', async () => {
  const cases = [
    [{ type: 'chat', delete_roam: true }, 'illegal_argument', 'field channel cannot be null or empty'],
    [{ channel: '', type: 'chat', delete_roam: true }, 'illegal_argument', 'field channel cannot be null or empty'],
    [{ channel: 'dave', delete_roam: true }, 'illegal_argument', 'field type cannot be null or empty'],
    [{ channel: 'dave', type: 'chat' }, 'illegal_argument', 'field delete_roam cannot be null or empty'],
  ];
  for (const [body, error, desc] of cases) {
    const r = await delConv('alice', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
    assert.equal(r.json.error, error);
    assert.equal(r.json.error_description, desc);
  }
  for (const body of [
    { channel: 'dave', type: 'chatroom', delete_roam: true },
    { channel: 'dave', type: 'chat', delete_roam: 'yes' },
    { channel: 5, type: 'chat', delete_roam: true },
  ]) {
    const r = await delConv('alice', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
  }
  for (const rawBody of ['{', 'not json', '']) {
    const r = await ctx.app.call('DELETE', '/user/alice/user_channel?resource=x', { token: ctx.alice, rawBody });
    assert.equal(r.status, 400, `${JSON.stringify(rawBody)}: ${r}`);
    if (rawBody === '{') assert.equal(r.json.error, 'invalid_request_body');
  }
  assert.equal((await history('alice', chatQueue('dave'))).length, 6, 'nothing deleted');
});

test('channel may be given as a full JID', async () => {
  await ctx.app.sendText('dave', 'carol', 'hello carol');
  const r = await delConv('carol', { channel: 'org1#app1_dave@easemob.com', type: 'chat', delete_roam: false });
  assert.equal(r.status, 200, String(r));
  assert.ok(!(await lists('carol')).cursor.includes('dave'));
  assert.deepEqual(await history('carol', chatQueue('dave')), ['hello carol']);
});

test('deleting a conversation one does not have is idempotent (200) and touches nothing', async () => {
  const r = await delConv('dave', { channel: 'carol', type: 'chat', delete_roam: true });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.data.result, 'ok');
  assert.deepEqual((await lists('dave')).cursor, ['alice']);
  assert.equal((await history('dave', chatQueue('alice'))).length, 6);
});

test('cross-user: bob cannot delete alice\'s conversation (403)', async () => {
  const r = await delConv('alice', { channel: 'dave', type: 'chat', delete_roam: true }, ctx.bob);
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error, 'forbidden');
  assert.equal((await history('alice', chatQueue('dave'))).length, 6);
  assert.ok((await lists('alice')).cursor.includes('dave'));
});

test('a non-member cannot delete a group conversation (403)', async () => {
  await ctx.app.sendText('bob', ctx.gid, 'again', { group: true });
  const r = await delConv('dave', { channel: ctx.gid, type: 'groupchat', delete_roam: true });
  assert.ok(r.status === 403 || r.status === 404, String(r));
  assert.deepEqual(await history('bob', groupQueue(ctx.gid)), ['again']);
});

testServerSurvives(ctx);
