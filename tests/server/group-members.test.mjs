// Group membership changes over REST: the app server's add (single, batch)
// and remove (single, comma list) calls, the SDK's invite and quit paths, who
// may call them, their errors, and what the rest of the server then sees
// (member lists, joined groups, history access, group message fan-out).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { groupQueue } from '../lib/agora.mjs';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

const ctx = serverFixture({
  setup: async (c) => {
    await c.app.createUsers(USERS);
    for (const u of USERS) c[u] = await c.app.userToken(u);
  },
});

let counter = 0;
async function newGroup(members = ['bob'], maxusers = 200) {
  const r = await ctx.app.admin('POST', '/chatgroups', {
    body: { groupname: `g${++counter}`, owner: 'alice', members, maxusers, public: false },
  });
  assert.equal(r.status, 200, String(r));
  return r.json.data.groupid;
}

async function memberNames(gid) {
  const r = await ctx.app.admin('GET', `/chatgroups/${gid}/users?pagenum=1&pagesize=100`);
  assert.equal(r.status, 200, String(r));
  return r.json.data.map((m) => (m.owner ? `${m.owner}:owner` : `${m.member}:member`));
}

test('add one member with the app token: envelope data, member list, joined groups', async () => {
  const gid = await newGroup();
  const r = await ctx.app.admin('POST', `/chatgroups/${gid}/users/Carol`);
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data, { result: true, user: 'carol', groupid: gid, action: 'add_member' });
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'bob:member', 'carol:member']);
  const j = await ctx.app.call('GET', '/users/carol/joined_chatgroups', { token: ctx.carol });
  assert.ok(j.json.data.some((g) => g.groupid === gid), String(j));
  const info = await ctx.app.call('GET', `/chatgroups/${gid}`, { token: ctx.carol });
  assert.equal(info.status, 200, 'a new member may read the group');
  assert.equal(info.json.data[0].affiliations_count, 3);
});

test('batch add: newmembers lists only those who were not members; owner may call it', async () => {
  const gid = await newGroup();
  const r = await ctx.app.call('POST', `/chatgroups/${gid}/users`, {
    token: ctx.alice,
    body: { usernames: ['carol', 'bob', 'DAVE', 'carol'] },
  });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data, { newmembers: ['carol', 'dave'], groupid: gid, action: 'add_member' });
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'bob:member', 'carol:member', 'dave:member']);
});

test('SDK invite path adds directly and answers per invitee', async () => {
  const gid = await newGroup();
  const r = await ctx.app.call('POST', `/chatgroups/${gid}/invite`, {
    token: ctx.alice, query: { resource: 'webim_x' }, body: { usernames: ['erin'] },
  });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data, [{ action: 'invite', id: gid, result: true, user: 'erin' }]);
  assert.ok((await memberNames(gid)).includes('erin:member'));
});

test('add: who may call, and refusals', async () => {
  const gid = await newGroup();
  // A plain member, an outsider: 403.
  let r = await ctx.app.call('POST', `/chatgroups/${gid}/users/carol`, { token: ctx.bob });
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error, 'forbidden');
  r = await ctx.app.call('POST', `/chatgroups/${gid}/users`, { token: ctx.dave, body: { usernames: ['dave'] } });
  assert.equal(r.status, 403, String(r));
  // No token / bad token: 401.
  r = await ctx.app.call('POST', `/chatgroups/${gid}/users/carol`);
  assert.equal(r.status, 401, String(r));
  // Already a member (single add): 403.
  r = await ctx.app.admin('POST', `/chatgroups/${gid}/users/bob`);
  assert.equal(r.status, 403, String(r));
  assert.match(r.json.error_description, /already a member/);
  // Unknown user: 404 with Agora's user-not-found text, and nothing added.
  r = await ctx.app.admin('POST', `/chatgroups/${gid}/users`, { body: { usernames: ['carol', 'nobody'] } });
  assert.equal(r.status, 404, String(r));
  assert.match(r.json.error_description, /user not found/);
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'bob:member'], 'the batch is all or nothing');
  // Unknown group 404, group id not a number 400, illegal user name 400.
  r = await ctx.app.admin('POST', '/chatgroups/123456789/users/carol');
  assert.equal(r.status, 404, String(r));
  assert.match(r.json.error_description, /does not exist/);
  r = await ctx.app.admin('POST', '/chatgroups/abc/users/carol');
  assert.equal(r.status, 400, String(r));
  r = await ctx.app.admin('POST', `/chatgroups/${gid}/users/bad%20name`);
  assert.equal(r.status, 400, String(r));
  // Bodies: missing, empty list, wrong types, too many names.
  for (const body of [{}, { usernames: [] }, { usernames: 'carol' }, { usernames: [1] },
    { usernames: Array.from({ length: 61 }, (_, i) => `u${i}`) }]) {
    r = await ctx.app.admin('POST', `/chatgroups/${gid}/users`, { body });
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 40)}: ${r}`);
  }
  r = await ctx.app.admin('POST', `/chatgroups/${gid}/users`, { rawBody: '{"usernames":' });
  assert.equal(r.status, 400, String(r));
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'bob:member']);
});

test('a full group refuses new members with the text the SDK knows', async () => {
  const gid = await newGroup(['bob'], 3);
  let r = await ctx.app.admin('POST', `/chatgroups/${gid}/users/carol`);
  assert.equal(r.status, 200, String(r));
  r = await ctx.app.admin('POST', `/chatgroups/${gid}/users/dave`);
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error_description, 'group member list is full!');
});

test('remove one member (kick): data, lists, and the removed user loses access', async () => {
  const gid = await newGroup(['bob', 'carol']);
  const r = await ctx.app.call('DELETE', `/chatgroups/${gid}/users/bob`, { token: ctx.alice, query: { resource: 'r1' } });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data, { result: true, action: 'remove_member', user: 'bob', groupid: gid });
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'carol:member']);
  const info = await ctx.app.call('GET', `/chatgroups/${gid}`, { token: ctx.bob });
  assert.equal(info.status, 403, String(info));
  const roam = await ctx.app.roaming('bob', ctx.bob, { queue: groupQueue(gid), start: -1, pull_number: 10, is_positive: false });
  assert.equal(roam.status, 403, `history of a group one was removed from: ${roam}`);
  const j = await ctx.app.call('GET', '/users/bob/joined_chatgroups', { token: ctx.bob });
  assert.ok(!j.json.data.some((g) => g.groupid === gid));
});

test('remove a comma list: per-user results, refusals included, the rest removed', async () => {
  const gid = await newGroup(['bob', 'carol', 'dave']);
  const r = await ctx.app.admin('DELETE', `/chatgroups/${gid}/users/bob,alice,erin,dave`);
  assert.equal(r.status, 200, String(r));
  const byUser = Object.fromEntries(r.json.data.map((x) => [x.user, x]));
  assert.deepEqual(Object.keys(byUser).sort(), ['alice', 'bob', 'dave', 'erin']);
  assert.equal(byUser.bob.result, true);
  assert.equal(byUser.dave.result, true);
  assert.equal(byUser.alice.result, false);
  assert.match(byUser.alice.reason, /owner/);
  assert.equal(byUser.erin.result, false);
  assert.match(byUser.erin.reason, /not a member/);
  for (const x of r.json.data) {
    assert.equal(x.action, 'remove_member');
    assert.equal(x.groupid, gid);
  }
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'carol:member']);
});

test('remove: who may call, and refusals', async () => {
  const gid = await newGroup(['bob', 'carol']);
  let r = await ctx.app.call('DELETE', `/chatgroups/${gid}/users/carol`, { token: ctx.bob });
  assert.equal(r.status, 403, 'a member may not kick');
  r = await ctx.app.call('DELETE', `/chatgroups/${gid}/users/bob`, { token: ctx.bob });
  assert.equal(r.status, 403, 'not even itself: that is quit');
  r = await ctx.app.admin('DELETE', `/chatgroups/${gid}/users/alice`);
  assert.equal(r.status, 403, String(r));
  assert.match(r.json.error_description, /owner/);
  r = await ctx.app.admin('DELETE', `/chatgroups/${gid}/users/dave`);
  assert.equal(r.status, 403, String(r));
  assert.match(r.json.error_description, /not a member/);
  r = await ctx.app.admin('DELETE', `/chatgroups/${gid}/users/bob,,carol`);
  assert.equal(r.status, 400, String(r));
  r = await ctx.app.admin('DELETE', '/chatgroups/99999999/users/bob');
  assert.equal(r.status, 404, String(r));
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'bob:member', 'carol:member']);
});

test('quit: a member leaves with its own token; owner, outsiders and the app cannot', async () => {
  const gid = await newGroup(['bob', 'carol']);
  let r = await ctx.app.call('DELETE', `/chatgroups/${gid}/quit`, { token: ctx.carol, query: { resource: 'webim_c' } });
  assert.equal(r.status, 200, String(r));
  assert.deepEqual(r.json.data, { result: true });
  assert.deepEqual(await memberNames(gid), ['alice:owner', 'bob:member']);
  r = await ctx.app.call('DELETE', `/chatgroups/${gid}/quit`, { token: ctx.carol });
  assert.equal(r.status, 403, `quit twice: ${r}`);
  r = await ctx.app.call('DELETE', `/chatgroups/${gid}/quit`, { token: ctx.alice });
  assert.equal(r.status, 403, String(r));
  assert.match(r.json.error_description, /owner/);
  r = await ctx.app.admin('DELETE', `/chatgroups/${gid}/quit`);
  assert.equal(r.status, 403, String(r));
  r = await ctx.app.call('DELETE', '/chatgroups/99999999/quit', { token: ctx.bob });
  assert.equal(r.status, 404, String(r));
  r = await ctx.app.call('DELETE', `/chatgroups/${gid}/quit`);
  assert.equal(r.status, 401, String(r));
});

test('group messages follow membership: new members receive and see older history, removed ones cannot send', async () => {
  const gid = await newGroup(['bob']);
  const before = await ctx.app.sendText('alice', gid, 'before erin', { group: true });
  let r = await ctx.app.admin('POST', `/chatgroups/${gid}/users/erin`);
  assert.equal(r.status, 200, String(r));
  const after = await ctx.app.sendText('bob', gid, 'after erin', { group: true });
  const roam = await ctx.app.roaming('erin', ctx.erin, { queue: groupQueue(gid), start: -1, pull_number: 10, is_positive: true });
  assert.equal(roam.status, 200, String(roam));
  assert.equal(roam.json.data.msgs.length, 2, 'decision: history from before joining is visible');
  const conv = await ctx.app.call('GET', '/users/erin/user_channels/page?pageNum=1&pageSize=20', { token: ctx.erin });
  assert.ok(conv.json.data.channel_infos.some((c) => c.session_to === gid), `erin's conversation list: ${conv}`);
  assert.ok(before && after);

  r = await ctx.app.admin('DELETE', `/chatgroups/${gid}/users/erin`);
  assert.equal(r.status, 200, String(r));
  // The import path checks membership like the live paths do.
  r = await ctx.app.admin('POST', '/import', {
    body: { messages: [{ from: 'erin', to: gid, type: 'groupchat', body: { type: 'txt', msg: 'x' } }] },
  });
  assert.equal(r.status, 400, String(r));
});

testServerSurvives(ctx);
