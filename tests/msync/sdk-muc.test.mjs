// Group membership events over MSYNC as the official Web SDK (agora-chat
// 1.4.0) reports them through onGroupEvent: members added by the app server
// or invited by the owner (directJoined for the newcomer, memberPresence for
// the others), kicked (removeMember for the kicked, memberAbsence /
// membersAbsence for the rest), a member leaving (memberAbsence), offline
// members getting their event once on the next login, and group messages
// following membership.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, PASSWORD } from '../lib/agora.mjs';
import { loadSdk, newConnection, releaseSdk, waitFor, withTimeout } from '../sdk/sdk-harness.mjs';

let server;
let app;
let AC;
const opened = [];

// One SDK connection per device, each with its own device id (resource).
function device(deviceId) {
  const conn = newConnection(server.url, 'org1#app1', deviceId);
  const events = { group: [], text: [] };
  conn.addEventHandler('test', {
    onGroupEvent: (e) => events.group.push(e),
    onTextMessage: (m) => events.text.push(m),
  });
  opened.push(conn);
  return { conn, events };
}

async function login(user, deviceId) {
  const d = device(deviceId);
  await withTimeout(d.conn.open({ user, pwd: PASSWORD }), `open ${user}`);
  return d;
}

const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

function sendGroup(d, gid, msg) {
  return withTimeout(d.conn.send(AC.message.create({ type: 'txt', chatType: 'groupChat', to: gid, msg })), `send ${msg}`);
}

// The events of one group, without the SDK's extra fields we do not set.
const of = (d, gid) => d.events.group.filter((e) => e.id === gid);

let counter = 0;
async function group(members) {
  return app.createGroup({ groupname: `Team ${++counter}`, owner: 'alice', members });
}

before(async () => {
  AC = loadSdk();
  server = await startServer();
  app = new AgoraApp(server);
  await app.createUsers(['alice', 'bob', 'carol', 'dave', 'erin']);
});

after(async () => {
  releaseSdk(opened);
  if (server?.alive) {
    const { code } = await server.stop();
    assert.equal(code, 0, `server exit status\n${server.logTail()}`);
  }
});

test('app server adds a member: directJoined for the newcomer, memberPresence for the others; messages reach the newcomer', async () => {
  const gid = await group(['bob']);
  const a = await login('alice', 'add-a');
  const b = await login('bob', 'add-b');
  const c = await login('carol', 'add-c');
  const r = await app.admin('POST', `/chatgroups/${gid}/users/carol`);
  assert.equal(r.status, 200, String(r));

  await waitFor('carol directJoined', () => of(c, gid).length === 1);
  assert.deepEqual(of(c, gid)[0], { operation: 'directJoined', id: gid, from: 'admin', name: 'Team 1' });
  for (const d of [a, b]) {
    await waitFor('memberPresence', () => of(d, gid).length === 1);
    assert.deepEqual(of(d, gid)[0], { operation: 'memberPresence', id: gid, from: 'carol', memberCount: 3 });
  }

  const ack = await sendGroup(b, gid, 'welcome carol');
  await waitFor('carol receives the group message', () => c.events.text.length === 1);
  assert.equal(c.events.text[0].id, ack.serverMsgId);
  assert.equal(c.events.text[0].to, gid);
  await sendGroup(c, gid, 'thanks');
  await waitFor('alice receives carol\'s message', () => a.events.text.some((m) => m.msg === 'thanks'));
  await settle(300);
  for (const d of [a, b, c]) assert.equal(of(d, gid).length, 1, 'each device hears of it once');
  for (const d of [a, b, c]) d.conn.close();
});

test('owner invites through the SDK (inviteUsersToGroup): the invitee joins directly, from the owner', async () => {
  const gid = await group(['bob']);
  const a = await login('alice', 'inv-a');
  const b = await login('bob', 'inv-b');
  const d = await login('dave', 'inv-d');
  const res = await withTimeout(a.conn.inviteUsersToGroup({ groupId: gid, users: ['dave'] }), 'invite');
  assert.equal(res.data[0].result, true);
  await waitFor('dave directJoined', () => of(d, gid).length === 1);
  assert.equal(of(d, gid)[0].operation, 'directJoined');
  assert.equal(of(d, gid)[0].from, 'alice');
  await waitFor('bob memberPresence', () => of(b, gid).length === 1);
  assert.equal(of(b, gid)[0].operation, 'memberPresence');
  assert.equal(of(b, gid)[0].from, 'dave');
  // The inviting device made the change; it learns from the REST reply.
  await settle(300);
  assert.equal(of(a, gid).length, 0, 'the calling device gets no event');
  for (const x of [a, b, d]) x.conn.close();
});

test('owner kicks through the SDK: removeMember for the kicked, memberAbsence for the rest; the kicked can no longer send', async () => {
  const gid = await group(['bob', 'carol']);
  const a = await login('alice', 'kick-a');
  const a2 = await login('alice', 'kick-a2');
  const b = await login('bob', 'kick-b');
  const c = await login('carol', 'kick-c');
  const res = await withTimeout(a.conn.removeGroupMember({ groupId: gid, username: 'carol' }), 'removeGroupMember');
  assert.equal(res.data.result, true);

  await waitFor('carol removeMember', () => of(c, gid).length === 1);
  assert.deepEqual(of(c, gid)[0], { operation: 'removeMember', id: gid, from: 'alice' });
  for (const d of [b, a2]) {
    await waitFor('memberAbsence', () => of(d, gid).length === 1);
    assert.deepEqual(of(d, gid)[0], { operation: 'memberAbsence', id: gid, from: 'carol', memberCount: 2 });
  }
  await assert.rejects(sendGroup(c, gid, 'still here?'), 'the kicked member is refused');
  await sendGroup(b, gid, 'after the kick');
  await waitFor('alice receives', () => a.events.text.some((m) => m.msg === 'after the kick'));
  await settle(300);
  assert.equal(c.events.text.length, 0, 'the kicked member receives no more group messages');
  assert.equal(of(a, gid).length, 0, 'the calling device gets no event');
  for (const d of [a, a2, b, c]) d.conn.close();
});

test('batch kick by the app server: membersAbsence lists everyone removed', async () => {
  const gid = await group(['bob', 'carol', 'dave']);
  const b = await login('bob', 'bk-b');
  const c = await login('carol', 'bk-c');
  const d = await login('dave', 'bk-d');
  const r = await app.admin('DELETE', `/chatgroups/${gid}/users/carol,dave`);
  assert.equal(r.status, 200, String(r));
  await waitFor('bob membersAbsence', () => of(b, gid).length === 1);
  const ev = of(b, gid)[0];
  assert.equal(ev.operation, 'membersAbsence');
  assert.deepEqual([...ev.members].sort(), ['carol', 'dave']);
  assert.equal(ev.memberCount, 2);
  for (const x of [c, d]) {
    await waitFor('removeMember', () => of(x, gid).length === 1);
    assert.equal(of(x, gid)[0].operation, 'removeMember');
    assert.equal(of(x, gid)[0].from, 'admin');
  }
  for (const x of [b, c, d]) x.conn.close();
});

test('a member leaves (leaveGroup): memberAbsence for the others and for its own other devices', async () => {
  const gid = await group(['bob', 'carol']);
  const a = await login('alice', 'q-a');
  const b = await login('bob', 'q-b');
  const b2 = await login('bob', 'q-b2');
  const c = await login('carol', 'q-c');
  const res = await withTimeout(b.conn.leaveGroup({ groupId: gid }), 'leaveGroup');
  assert.equal(res.data.result, true);
  for (const d of [a, c, b2]) {
    await waitFor('memberAbsence', () => of(d, gid).length === 1);
    assert.deepEqual(of(d, gid)[0], { operation: 'memberAbsence', id: gid, from: 'bob', memberCount: 2 });
  }
  await settle(300);
  assert.equal(of(b, gid).length, 0, 'the leaving device gets no event');
  await assert.rejects(sendGroup(b2, gid, 'gone'), 'a member who left is refused');
  for (const d of [a, b, b2, c]) d.conn.close();
});

test('offline members get their events once, on the next login', async () => {
  const gid = await group(['bob']);
  // erin and bob are offline while erin is added, then bob is kicked.
  let r = await app.admin('POST', `/chatgroups/${gid}/users`, { body: { usernames: ['erin'] } });
  assert.equal(r.status, 200, String(r));
  r = await app.admin('DELETE', `/chatgroups/${gid}/users/bob`);
  assert.equal(r.status, 200, String(r));

  const e = await login('erin', 'off-e');
  await waitFor('erin: directJoined, then bob absent', () => of(e, gid).length === 2);
  assert.deepEqual(of(e, gid).map((x) => [x.operation, x.from]), [['directJoined', 'admin'], ['memberAbsence', 'bob']]);
  const b = await login('bob', 'off-b');
  await waitFor('bob: erin present, then kicked', () => of(b, gid).length === 2);
  assert.deepEqual(of(b, gid).map((x) => [x.operation, x.from]), [['memberPresence', 'erin'], ['removeMember', 'admin']]);
  e.conn.close();
  b.conn.close();

  // Acknowledged: the next login of another device gets nothing again.
  await settle(300);
  const e2 = await login('erin', 'off-e2');
  await settle(600);
  assert.equal(of(e2, gid).length, 0, String(JSON.stringify(e2.events.group)));
  e2.conn.close();
});
