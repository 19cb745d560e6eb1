// Around roaming: joined groups, group detail and members, contacts, user
// metadata (nicknames) and user lookup.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';

const ctx = serverFixture({
  setup: async (c) => {
    const { app } = c;
    const data = await app.importData({
      users: [
        { username: 'alice', password: 'pw', nickname: 'Alice' },
        { username: 'bob', password: 'pw', nickname: '王小明' },
        { username: 'carol', password: 'pw' },
        { username: 'dave', password: 'pw', nickname: 'Dave' },
      ],
      groups: [
        { ref: 'g1', groupname: '家人', description: 'family', owner: 'alice', members: ['bob', 'carol'] },
        { ref: 'g2', groupname: 'Work', owner: 'bob', members: ['alice'], public: true },
        { ref: 'g3', groupname: 'Other', owner: 'dave', members: ['carol'], public: false },
      ],
      contacts: [['alice', 'bob'], ['carol', 'alice']],
    });
    c.g = data.groups;
    for (const u of ['alice', 'bob', 'carol', 'dave']) c[u] = await app.userToken(u, 'pw');
  },
});

test('joined_chatgroups (legacy and paged): uri present, groupid + groupname', async () => {
  for (const q of ['', `?pagenum=1&pagesize=20&_v=${Date.now()}`]) {
    const r = await ctx.app.call('GET', `/users/alice/joined_chatgroups${q}`, { token: ctx.alice });
    assert.equal(r.status, 200, String(r));
    assert.equal(typeof r.json.uri, 'string');
    assert.ok(r.json.uri.includes('joined_chatgroups'), `uri ${r.json.uri}`);
    const got = r.json.data.map((g) => [g.groupid, g.groupname]).sort();
    assert.deepEqual(got, [[ctx.g.g1, '家人'], [ctx.g.g2, 'Work']].sort());
  }
  const p1 = await ctx.app.call('GET', '/users/alice/joined_chatgroups?pagenum=1&pagesize=1', { token: ctx.alice });
  const p2 = await ctx.app.call('GET', '/users/alice/joined_chatgroups?pagenum=2&pagesize=1', { token: ctx.alice });
  const p3 = await ctx.app.call('GET', '/users/alice/joined_chatgroups?pagenum=3&pagesize=1', { token: ctx.alice });
  assert.equal(p1.json.data.length, 1);
  assert.equal(p2.json.data.length, 1);
  assert.equal(p3.json.data.length, 0);
  assert.notEqual(p1.json.data[0].groupid, p2.json.data[0].groupid);
});

test('joined_chatgroups of another user → 403', async () => {
  const r = await ctx.app.call('GET', '/users/alice/joined_chatgroups', { token: ctx.dave });
  assert.equal(r.status, 403, String(r));
});

test('group detail: GroupDetailInfo fields, one and several ids', async () => {
  const r = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1}?joined_time=true`, { token: ctx.bob });
  assert.equal(r.status, 200, String(r));
  const d = r.json.data[0];
  assert.equal(d.id, ctx.g.g1);
  assert.equal(d.name, '家人');
  assert.equal(d.description, 'family');
  assert.equal(d.owner, 'alice');
  assert.equal(d.affiliations_count, 3);
  assert.equal(typeof d.created, 'number');
  assert.equal(typeof d.maxusers, 'number');
  assert.equal(typeof d.public, 'boolean');
  assert.equal(typeof d.membersonly, 'boolean');
  assert.equal(typeof d.allowinvites, 'boolean');
  const owners = d.affiliations.filter((a) => 'owner' in a).map((a) => a.owner);
  const members = d.affiliations.filter((a) => 'member' in a).map((a) => a.member).sort();
  assert.deepEqual(owners, ['alice']);
  assert.deepEqual(members, ['bob', 'carol']);
  const two = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1},${ctx.g.g2}`, { token: ctx.alice });
  assert.equal(two.status, 200, String(two));
  assert.deepEqual(two.json.data.map((g) => g.id), [ctx.g.g1, ctx.g.g2]);
});

test('group detail: not a member → 403; unknown → 404; bad id → 400', async () => {
  let r = await ctx.app.call('GET', `/chatgroups/${ctx.g.g3}`, { token: ctx.alice });
  assert.equal(r.status, 403, String(r));
  r = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1},${ctx.g.g3}`, { token: ctx.alice });
  assert.equal(r.status, 403, `one foreign id in a list: ${r}`);
  r = await ctx.app.call('GET', '/chatgroups/123456789', { token: ctx.alice });
  assert.equal(r.status, 404, String(r));
  r = await ctx.app.call('GET', '/chatgroups/not-a-group', { token: ctx.alice });
  assert.equal(r.status, 400, String(r));
  // The app token may read any group.
  r = await ctx.app.admin('GET', `/chatgroups/${ctx.g.g3}`);
  assert.equal(r.status, 200, String(r));
});

test('members, cursor variant (cursor=undefined as the SDK sends it)', async () => {
  const r = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1}/users?cursor=undefined&limit=50&joined_time=true&_v=${Date.now()}`, { token: ctx.carol });
  assert.equal(r.status, 200, String(r));
  const d = r.json.data;
  assert.deepEqual(Object.keys(d[0]).sort(), ['joined_time', 'owner']);
  assert.equal(d[0].owner, 'alice');
  assert.deepEqual(d.slice(1).map((m) => m.member).sort(), ['bob', 'carol']);
  for (const m of d) assert.equal(typeof m.joined_time, 'number');
  assert.ok(!r.json.cursor, 'no cursor when all members fit');
  // Paging by 2 with the cursor reaches everyone once.
  const seen = [];
  let cursor = '';
  for (let i = 0; i < 5; i++) {
    const p = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1}/users?cursor=${cursor}&limit=2&joined_time=true`, { token: ctx.carol });
    assert.equal(p.status, 200, String(p));
    seen.push(...p.json.data.map((m) => m.owner ?? m.member));
    cursor = p.json.cursor;
    if (!cursor) break;
  }
  assert.deepEqual(seen.sort(), ['alice', 'bob', 'carol']);
});

test('members, pagenum/pagesize variant', async () => {
  const p1 = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1}/users?pagenum=1&pagesize=2&_v=1`, { token: ctx.bob });
  const p2 = await ctx.app.call('GET', `/chatgroups/${ctx.g.g1}/users?pagenum=2&pagesize=2&_v=1`, { token: ctx.bob });
  assert.equal(p1.status, 200, String(p1));
  assert.equal(p1.json.data.length, 2);
  assert.equal(p2.json.data.length, 1);
  assert.equal(p1.json.data[0].owner, 'alice', 'the owner comes first');
  const all = [...p1.json.data, ...p2.json.data].map((m) => m.owner ?? m.member).sort();
  assert.deepEqual(all, ['alice', 'bob', 'carol']);
});

test('members of a group one is not in → 403', async () => {
  const r = await ctx.app.call('GET', `/chatgroups/${ctx.g.g3}/users?pagenum=1&pagesize=10`, { token: ctx.bob });
  assert.equal(r.status, 403, String(r));
});

test('contacts: symmetric list; another user\'s → 403', async () => {
  let r = await ctx.app.call('GET', '/users/alice/contacts/users', { token: ctx.alice });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual([...r.json.data].sort(), ['bob', 'carol']);
  r = await ctx.app.call('GET', '/users/carol/contacts/users', { token: ctx.carol });
  assert.deepEqual(r.json.data, ['alice']);
  r = await ctx.app.call('GET', '/users/dave/contacts/users', { token: ctx.dave });
  assert.deepEqual(r.json.data, []);
  r = await ctx.app.call('GET', '/users/alice/contacts/users', { token: ctx.dave });
  assert.equal(r.status, 403, String(r));
});

test('metadata/user/get: nicknames (Chinese too); unknown users simply absent or empty', async () => {
  const r = await ctx.app.call('POST', '/metadata/user/get', {
    token: ctx.alice, body: { targets: ['bob', 'dave', 'carol'], properties: ['nickname', 'avatarurl'] },
  });
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.data.bob.nickname, '王小明');
  assert.equal(r.json.data.dave.nickname, 'Dave');
  assert.ok(!r.json.data.carol?.nickname, 'carol has no nickname');
  const r2 = await ctx.app.call('POST', '/metadata/user/get', { token: ctx.alice, body: { targets: ['ghost'], properties: ['nickname'] } });
  assert.equal(r2.status, 200, String(r2));
  assert.ok(!r2.json.data.ghost?.nickname);
});

test('metadata/user/get: bad bodies → 400', async () => {
  for (const body of [{}, { targets: 'bob' }, { targets: [1, 2] }, { targets: ['bob'], properties: 'nickname' }]) {
    const r = await ctx.app.call('POST', '/metadata/user/get', { token: ctx.alice, body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r}`);
  }
});

test('GET users/{u}: own record with nickname; unknown user 404', async () => {
  const r = await ctx.app.call('GET', '/users/bob', { token: ctx.bob });
  assert.equal(r.status, 200, String(r));
  const e = r.json.entities[0];
  assert.equal(e.username, 'bob');
  assert.equal(e.nickname, '王小明');
  assert.equal(e.activated, true);
  const n = await ctx.app.admin('GET', '/users/ghost');
  assert.equal(n.status, 404, String(n));
  assert.equal(n.json.error, 'service_resource_not_found');
});

testServerSurvives(ctx);
