// The official Web SDK (agora-chat 1.4.0) over the real MSYNC WebSocket of
// the local server: password login, one-to-one and group messages between
// SDK instances with the ack fields the SDK expects, offline delivery
// exactly once and in order, the multi-device deletion events, REST-sent
// messages arriving live, and live messages in the roaming history.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, PASSWORD, chatQueue, groupQueue, fetchAll, textOf } from '../lib/agora.mjs';
import { loadSdk, newConnection, releaseSdk, waitFor, withTimeout } from '../sdk/sdk-harness.mjs';

let server;
let app;
let AC;
let gid;
const opened = [];

// One SDK connection per device, each with its own device id (resource).
function device(deviceId) {
  const conn = newConnection(server.url, 'org1#app1', deviceId);
  const events = { text: [], multi: [], errors: [], disconnected: 0 };
  conn.addEventHandler('test', {
    onTextMessage: (m) => events.text.push(m),
    onMultiDeviceEvent: (e) => events.multi.push(e),
    onError: (e) => events.errors.push(e),
    onDisconnected: () => { events.disconnected++; },
  });
  opened.push(conn);
  return { conn, events };
}

async function login(user, deviceId) {
  const d = device(deviceId);
  await withTimeout(d.conn.open({ user, pwd: PASSWORD }), `open ${user}`);
  return d;
}

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

function text(to, msg, chatType = 'singleChat') {
  return AC.message.create({ type: 'txt', chatType, to, msg });
}

async function send(d, to, msg, chatType) {
  return withTimeout(d.conn.send(text(to, msg, chatType)), `send ${msg}`);
}

before(async () => {
  AC = loadSdk();
  server = await startServer();
  app = new AgoraApp(server);
  await app.createUsers(['alice', 'bob', 'carol', 'dave']);
  gid = await app.createGroup({ groupname: 'Live', owner: 'alice', members: ['bob', 'carol'] });
});

after(async () => {
  releaseSdk(opened);
  if (server?.alive) {
    const { code } = await server.stop();
    assert.equal(code, 0, `server exit status\n${server.logTail()}`);
  }
});

test('one-to-one: password login, ack with serverMsgId and time, the peer receives the same id and time', async () => {
  const a = await login('alice', 'a1');
  const b = await login('bob', 'b1');
  const before = Date.now();
  const ack = await send(a, 'bob', 'hello bob');
  assert.match(ack.serverMsgId, /^\d{15,20}$/);
  assert.notEqual(ack.serverMsgId, ack.localMsgId);
  assert.equal(ack.message.id, ack.serverMsgId);
  assert.equal(typeof ack.message.time, 'number');
  assert.ok(Math.abs(ack.message.time - before) < 10_000, 'time is the server clock');
  await waitFor('bob receives', () => b.events.text.length === 1);
  const got = b.events.text[0];
  assert.equal(got.id, ack.serverMsgId);
  assert.equal(got.time, ack.message.time);
  assert.equal(got.from, 'alice');
  assert.equal(got.to, 'bob');
  assert.equal(got.msg, 'hello bob');

  const reply = await send(b, 'alice', '你好 alice');
  await waitFor('alice receives', () => a.events.text.length === 1);
  assert.equal(a.events.text[0].id, reply.serverMsgId);
  assert.equal(a.events.text[0].msg, '你好 alice');
  await settle(300);
  assert.equal(b.events.text.length, 1, 'bob does not get his own message back');
  a.conn.close();
  b.conn.close();
});

test('group: every other member receives, the sender does not; members reply', async () => {
  const a = await login('alice', 'ga');
  const b = await login('bob', 'gb');
  const c = await login('carol', 'gc');
  const d = await login('dave', 'gd');
  const ack = await send(a, gid, 'hi team', 'groupChat');
  assert.match(ack.serverMsgId, /^\d+$/);
  await waitFor('bob and carol receive', () => b.events.text.length === 1 && c.events.text.length === 1);
  for (const got of [b.events.text[0], c.events.text[0]]) {
    assert.equal(got.id, ack.serverMsgId);
    assert.equal(got.chatType, 'groupChat');
    assert.equal(got.to, gid);
    assert.equal(got.from, 'alice');
  }
  const r = await send(c, gid, 'from carol', 'groupChat');
  await waitFor('alice and bob receive carol', () => a.events.text.length === 1 && b.events.text.length === 2);
  assert.equal(a.events.text[0].id, r.serverMsgId);
  await assert.rejects(send(d, gid, 'not a member', 'groupChat'), 'a non-member is refused');
  await settle(300);
  assert.equal(a.events.text.length, 1);
  assert.equal(d.events.text.length, 0, 'dave is not in the group');
  for (const x of [a, b, c, d]) x.conn.close();
});

test('offline: messages sent while bob was away arrive on his next login, exactly once and in order', async () => {
  const b1 = await login('bob', 'off1');
  b1.conn.close();
  await settle(200);
  const a = await login('alice', 'off-a');
  const ids = [];
  // 45 is more than two pull batches (20): paging by nextKey is exercised.
  for (let i = 0; i < 45; i++) ids.push((await send(a, 'bob', `offline ${i}`)).serverMsgId);
  const groupIds = [(await send(a, gid, 'offline group', 'groupChat')).serverMsgId];
  const b2 = await login('bob', 'off2');
  await waitFor('bob gets all 46', () => b2.events.text.length >= 46, 10_000);
  await settle(800);
  // Each conversation is one queue, pulled in order; queues are pulled side by side.
  const single = b2.events.text.filter((m) => m.chatType === 'singleChat');
  assert.deepEqual(single.map((m) => m.id), ids, 'each once, in order');
  assert.deepEqual(single.slice(0, 3).map((m) => m.msg), ['offline 0', 'offline 1', 'offline 2']);
  assert.deepEqual(b2.events.text.filter((m) => m.chatType === 'groupChat').map((m) => m.id), groupIds);
  assert.equal(b2.events.text.length, 46);
  b2.conn.close();
  await settle(200);
  const b3 = await login('bob', 'off3');
  await settle(800);
  assert.equal(b3.events.text.length, 0, 'acknowledged messages are not delivered again');
  b3.conn.close();
  a.conn.close();
});

test('multi-device: copies reach the sender\'s other device; deletions there raise deleteRoaming and deleteConversation', async () => {
  const a1 = await login('alice', 'md1');
  const a2 = await login('alice', 'md2');
  const b = await login('bob', 'md-b');
  const ack = await send(a1, 'bob', 'seen on both of my devices');
  await waitFor('bob and alice\'s other device receive', () => b.events.text.length === 1 && a2.events.text.length === 1);
  assert.equal(a2.events.text[0].id, ack.serverMsgId);
  assert.equal(a1.events.text.length, 0, 'not back to the sending device');

  await withTimeout(a2.conn.removeHistoryMessages({ targetId: 'bob', chatType: 'singleChat', messageIds: [ack.serverMsgId] }), 'removeHistoryMessages');
  await waitFor('deleteRoaming on md1', () => a1.events.multi.some((e) => e.operation === 'deleteRoaming'));
  const ev = a1.events.multi.find((e) => e.operation === 'deleteRoaming');
  assert.equal(ev.conversationId, 'bob');
  assert.equal(ev.chatType, 'singleChat');
  assert.equal(ev.resource, a2.conn.clientResource);

  await withTimeout(a2.conn.removeHistoryMessages({ targetId: gid, chatType: 'groupChat', beforeTimeStamp: Date.now() }), 'removeHistoryMessages by time');
  await waitFor('group deleteRoaming on md1', () => a1.events.multi.filter((e) => e.operation === 'deleteRoaming').length === 2);
  const gev = a1.events.multi.filter((e) => e.operation === 'deleteRoaming')[1];
  assert.equal(gev.conversationId, gid);
  assert.equal(gev.chatType, 'groupChat');

  await withTimeout(a2.conn.deleteConversation({ channel: 'bob', chatType: 'singleChat', deleteRoam: false }), 'deleteConversation');
  await waitFor('deleteConversation on md1', () => a1.events.multi.some((e) => e.operation === 'deleteConversation'));
  const cev = a1.events.multi.find((e) => e.operation === 'deleteConversation');
  assert.equal(cev.conversationId, 'bob');
  assert.equal(cev.conversationType, 'singleChat');
  await settle(300);
  assert.equal(a2.events.multi.length, 0, 'the deleting device hears nothing of its own deletions');
  assert.equal(b.events.multi.length, 0, 'other users hear nothing');
  for (const x of [a1, a2, b]) x.conn.close();
});

test('REST-sent messages reach online devices live; live messages are roaming history', async () => {
  const b = await login('bob', 'rest-b');
  const id = await app.sendText('carol', 'bob', 'via REST');
  await waitFor('bob receives the REST message', () => b.events.text.length === 1);
  assert.equal(b.events.text[0].id, id);
  assert.equal(b.events.text[0].from, 'carol');

  const sent = await send(b, 'carol', 'live reply');
  const token = await app.userToken('carol');
  const { metas } = await fetchAll(app, 'carol', token, chatQueue('bob'), { pageSize: 50 });
  const byId = new Map(metas.map((m) => [m.id, m]));
  assert.equal(textOf(byId.get(sent.serverMsgId)), 'live reply');
  assert.equal(textOf(byId.get(id)), 'via REST');
  const live = byId.get(sent.serverMsgId);
  assert.equal(live.from.name, 'bob');
  assert.equal(live.from.clientResource, b.conn.clientResource, 'the sending device is in meta.from');
  assert.equal(String(live.timestamp), String(sent.message.time));

  const { metas: group } = await fetchAll(app, 'carol', token, groupQueue(gid), { pageSize: 50 });
  assert.ok(group.some((m) => textOf(m) === 'hi team'), 'group messages sent live are group history');
  b.conn.close();
});

test('a second login with the same resource replaces the first', async () => {
  const first = await login('dave', 'same');
  const second = await login('dave', 'same');
  assert.equal(first.conn.clientResource, second.conn.clientResource);
  await waitFor('the first is told and dropped', () => first.events.errors.length > 0 || first.events.disconnected > 0);
  const ack = await send(await login('carol', 'kick-c'), 'dave', 'to the new one');
  await waitFor('the second receives', () => second.events.text.length === 1);
  assert.equal(second.events.text[0].id, ack.serverMsgId);
  assert.equal(first.events.text.length, 0);
});

test('provision failures carry the reasons the SDK maps', async () => {
  const token = await app.userToken('alice');
  const bad = device('bad1');
  const e1 = await withTimeout(bad.conn.open({ user: 'alice', accessToken: 'not-a-token' }), 'open bad token').then(() => null, (e) => e);
  assert.ok(e1, 'a bad token is refused');
  assert.equal(e1.type, AC.statusCode.TOKEN_NOT_ASSIGN ?? 28);
  const other = device('bad2');
  const e2 = await withTimeout(other.conn.open({ user: 'bob', accessToken: token }), 'open with another user\'s token').then(() => null, (e) => e);
  assert.ok(e2, 'another user\'s token is refused');
  assert.equal(e2.type, AC.statusCode.TOKEN_NOT_ASSIGN ?? 28);
});
