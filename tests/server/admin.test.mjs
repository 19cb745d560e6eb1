// App-admin REST: users, groups, messages, contacts, the bulk import and --seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, PASSWORD, chatQueue, groupQueue, decodeRoaming, textOf } from '../lib/agora.mjs';

const ctx = serverFixture();

const isDecimalId = (s) => typeof s === 'string' && /^[0-9]{1,20}$/.test(s) && BigInt(s) > 0n;

test('POST /users with one object: entities[] describes the user', async () => {
  const r = await ctx.app.admin('POST', '/users', { body: { username: 'alice', password: PASSWORD, nickname: 'Alice A.' } });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.entities.length, 1);
  const e = r.json.entities[0];
  assert.equal(e.username, 'alice');
  assert.equal(e.type, 'user');
  assert.equal(e.activated, true);
  assert.equal(typeof e.uuid, 'string');
  assert.equal(typeof e.created, 'number');
  assert.ok(!JSON.stringify(r.json).includes(PASSWORD), 'reply does not echo the password');
  await ctx.app.userToken('alice');
});

test('POST /users with an array creates all; names are lower-cased', async () => {
  const r = await ctx.app.admin('POST', '/users', {
    body: [{ username: 'bob', password: PASSWORD }, { username: 'Carol', password: PASSWORD, nickname: '王小明' }],
  });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.entities.map((e) => e.username), ['bob', 'carol']);
  await ctx.app.userToken('carol');
});

test('POST /users: duplicate → 400 duplicate_unique_property_exists', async () => {
  const r = await ctx.app.admin('POST', '/users', { body: { username: 'alice', password: 'x' } });
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'duplicate_unique_property_exists');
  // The first password still holds.
  await ctx.app.userToken('alice');
});

test('POST /users: illegal names → 400 illegal_argument naming the user', async () => {
  for (const username of ['has space', 'semi;colon', '', 'x'.repeat(65), 'a/b']) {
    const r = await ctx.app.admin('POST', '/users', { body: { username, password: 'x' } });
    assert.equal(r.status, 400, `${JSON.stringify(username)}: ${r}`);
    assert.equal(r.json.error, 'illegal_argument');
    if (username) assert.equal(r.json.error_description, `username [${username}] is not legal`);
  }
});

test('POST /users without a token is refused when registration is closed', async () => {
  const r = await ctx.app.call('POST', '/users', { body: { username: 'dave', password: PASSWORD } });
  assert.equal(r.status, 401, String(r));
  assert.match(r.json.error_description, /^Open registration doesn't allow/);
  const t = await ctx.app.call('POST', '/token', { body: { grant_type: 'password', username: 'dave', password: PASSWORD } });
  assert.equal(t.status, 404, 'no user was created');
});

test('POST /users wrong types → 400', async () => {
  for (const body of [{ username: 5, password: 'x' }, { username: 'eve', password: 7 }, 'just a string', [1, 2]]) {
    const r = await ctx.app.admin('POST', '/users', { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
  }
});

test('POST /chatgroups → data.groupid, owner and members are in it', async () => {
  const r = await ctx.app.admin('POST', '/chatgroups', {
    body: { groupname: 'team', description: 'the team', public: false, maxusers: 100, owner: 'alice', members: ['bob', 'carol'] },
  });
  assert.equal(r.status, 200, String(r));
  const gid = r.json.data.groupid;
  assert.ok(isDecimalId(gid), `groupid ${gid}`);
  const d = await ctx.app.admin('GET', `/chatgroups/${gid}`);
  assert.equal(d.status, 200, String(d));
  assert.equal(d.json.data[0].name, 'team');
  assert.equal(d.json.data[0].owner, 'alice');
  assert.equal(d.json.data[0].affiliations_count, 3);
});

test('POST /chatgroups errors: unknown owner or member, missing fields', async () => {
  for (const body of [
    { groupname: 'g', owner: 'ghost', members: [] },
    { groupname: 'g', owner: 'alice', members: ['ghost'] },
    { groupname: 'g', members: ['bob'] },
    { groupname: 'g', owner: 'alice', members: 'bob' },
  ]) {
    const r = await ctx.app.admin('POST', '/chatgroups', { body });
    assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(body)}: ${r}`);
    assert.equal(typeof r.json.error_description, 'string');
  }
});

test('POST /messages/users: one id per recipient; both parties get it', async () => {
  const r = await ctx.app.admin('POST', '/messages/users', {
    body: { from: 'alice', to: ['bob', 'carol'], type: 'txt', body: { msg: 'hello both' }, ext: { k: 'v' } },
  });
  assert.equal(r.status, 200, String(r));
  assert.ok(isDecimalId(r.json.data.bob));
  assert.ok(isDecimalId(r.json.data.carol));
  assert.notEqual(r.json.data.bob, r.json.data.carol);
  const bobToken = await ctx.app.userToken('bob');
  const h = await ctx.app.roaming('bob', bobToken, { queue: chatQueue('alice'), start: -1, pull_number: 10 });
  assert.equal(h.status, 200, String(h));
  const metas = decodeRoaming(h);
  assert.equal(metas.length, 1);
  assert.equal(metas[0].id, r.json.data.bob);
  assert.equal(textOf(metas[0]), 'hello both');
  const ext = Object.fromEntries(metas[0].body.ext.map((kv) => [kv.key, kv.stringValue]));
  assert.equal(ext.k, 'v');
});

test('POST /messages/chatgroups → data{<gid>: id}; members see it', async () => {
  const gid = await ctx.app.createGroup({ groupname: 'g2', owner: 'alice', members: ['bob'] });
  const id = await ctx.app.sendText('alice', gid, 'hi group', { group: true });
  assert.ok(isDecimalId(id));
  const token = await ctx.app.userToken('bob');
  const h = await ctx.app.roaming('bob', token, { queue: groupQueue(gid), start: -1, pull_number: 10 });
  assert.equal(h.status, 200, String(h));
  const metas = decodeRoaming(h);
  assert.deepEqual(metas.map(textOf), ['hi group']);
  assert.equal(metas[0].body.type, 2, 'GROUPCHAT');
  assert.equal(metas[0].to.domain, 'conference.easemob.com');
});

test('POST /messages/users: body over 5 KB → 400 "message is too large"', async () => {
  const r = await ctx.app.admin('POST', '/messages/users', {
    body: { from: 'alice', to: ['bob'], type: 'txt', body: { msg: 'x'.repeat(6000) } },
  });
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'message_send_error');
  assert.equal(r.json.error_description, 'message is too large');
});

test('POST /messages/users errors: unknown recipient, missing from/to/body', async () => {
  for (const body of [
    { from: 'alice', type: 'txt', body: { msg: 'x' } },
    { from: 'alice', to: ['bob'], type: 'txt' },
    { from: 'alice', to: 'bob', type: 'txt', body: { msg: 'x' } },
    { from: 'alice', to: ['bob'], type: 'nonsense', body: { msg: 'x' } },
  ]) {
    const r = await ctx.app.admin('POST', '/messages/users', { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
  }
});

test('POST users/{a}/contacts/users/{b} makes a symmetric contact', async () => {
  const r = await ctx.app.admin('POST', '/users/alice/contacts/users/bob');
  assert.equal(r.status, 200, String(r));
  const a = await ctx.app.admin('GET', '/users/alice/contacts/users');
  const b = await ctx.app.admin('GET', '/users/bob/contacts/users');
  assert.deepEqual(a.json.data, ['bob']);
  assert.deepEqual(b.json.data, ['alice']);
  const bad = await ctx.app.admin('POST', '/users/alice/contacts/users/ghost');
  assert.equal(bad.status, 404, String(bad));
});

test('import: users, groups by ref, contacts and messages in one call', async () => {
  const now = Date.now();
  const data = await ctx.app.importData({
    users: [{ username: 'imp1', password: 'p1', nickname: '李雷' }, { username: 'imp2', password: 'p2' }],
    groups: [{ ref: 'g1', groupname: '读书会', description: 'books', owner: 'imp1', members: ['imp2'] }],
    contacts: [['imp1', 'imp2']],
    messages: [
      { from: 'imp1', to: 'imp2', type: 'chat', timestamp: now - 5000, body: { type: 'txt', msg: '你好' } },
      { from: 'imp2', to: 'imp1', type: 'chat', age_ms: 1000, body: { type: 'txt', msg: 'hello' } },
      { from: 'imp1', to: 'g1', type: 'groupchat', age_ms: 500, body: { type: 'txt', msg: '大家好' } },
    ],
  });
  assert.equal(data.users, 2);
  assert.equal(data.messages, 3);
  assert.ok(isDecimalId(data.groups.g1));
  assert.ok(isDecimalId(data.first_id) && isDecimalId(data.last_id));
  assert.ok(BigInt(data.first_id) <= BigInt(data.last_id));
  const t = await ctx.app.userToken('imp2', 'p2');
  const h = await ctx.app.roaming('imp2', t, { queue: chatQueue('imp1'), start: -1, pull_number: 10 });
  const metas = decodeRoaming(h);
  assert.deepEqual(metas.map(textOf), ['hello', '你好']);
  assert.equal(metas[1].timestamp, now - 5000);
  assert.ok(Math.abs(metas[0].timestamp - (now - 1000)) < 5000, 'age_ms is relative to now');
  const g = await ctx.app.roaming('imp2', t, { queue: groupQueue(data.groups.g1), start: -1, pull_number: 10 });
  assert.deepEqual(decodeRoaming(g).map(textOf), ['大家好']);
  const c = await ctx.app.call('GET', '/users/imp2/contacts/users', { token: t });
  assert.deepEqual(c.json.data, ['imp1']);
});

test('import is all or nothing; 400 names the first bad item', async () => {
  const r = await ctx.app.admin('POST', '/import', {
    body: {
      users: [{ username: 'atomic1', password: 'p' }],
      messages: [
        { from: 'atomic1', to: 'alice', type: 'chat', age_ms: 10, body: { type: 'txt', msg: 'ok' } },
        { from: 'atomic1', to: 'ghost', type: 'chat', age_ms: 10, body: { type: 'txt', msg: 'bad' } },
      ],
    },
  });
  assert.equal(r.status, 400, String(r));
  assert.match(r.json.error_description, /1/, 'the description names item index 1');
  const t = await ctx.app.call('POST', '/token', { body: { grant_type: 'password', username: 'atomic1', password: 'p' } });
  assert.equal(t.status, 404, 'the user of the failed import was rolled back');
});

test('import rejects malformed items', async () => {
  for (const body of [
    { users: [{ username: 'x1' }] },
    { messages: [{ from: 'alice', to: 'bob', type: 'chat', body: 'txt' }] },
    { messages: [{ from: 'alice', to: 'bob', type: 'chat', age_ms: 'soon', body: { type: 'txt', msg: 'x' } }] },
    { groups: [{ ref: 'g', groupname: 'x', owner: 'alice', members: ['ghost'] }] },
    { contacts: [['alice']] },
    { users: 'nope' },
  ]) {
    const r = await ctx.app.admin('POST', '/import', { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
    assert.equal(typeof r.json.error_description, 'string');
  }
});

test('--seed loads an import file at start', async () => {
  const server = await startServer({
    seed: {
      users: [{ username: 'seeded', password: 'pw' }, { username: 'other', password: 'pw' }],
      messages: [{ from: 'other', to: 'seeded', type: 'chat', age_ms: 1000, body: { type: 'txt', msg: 'from the seed' } }],
    },
  });
  try {
    const app = new AgoraApp(server);
    const token = await app.userToken('seeded', 'pw');
    const h = await app.roaming('seeded', token, { queue: chatQueue('other'), start: -1, pull_number: 5 });
    assert.deepEqual(decodeRoaming(h).map(textOf), ['from the seed']);
  } finally {
    await server.stop();
  }
});

test('--open-registration lets POST /users work without a token', async () => {
  const server = await startServer({ args: ['--open-registration'] });
  try {
    const app = new AgoraApp(server);
    const r = await app.call('POST', '/users', { body: { username: 'selfmade', password: 'pw', nickname: 'S' } });
    assert.equal(r.status, 200, String(r));
    await app.userToken('selfmade', 'pw');
  } finally {
    await server.stop();
  }
});

testServerSurvives(ctx);
