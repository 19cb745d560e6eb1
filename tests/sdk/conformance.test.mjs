// The official Web SDK (agora-chat 1.4.0) against the local server: the
// roaming calls of the spec (R2–R6) resolve, return what the SDK promises,
// and leave the server in the state the spec describes, checked through REST
// with the other users' tokens.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, chatQueue, groupQueue, fetchAll, textOf } from '../lib/agora.mjs';
import { newConnection, signInWithoutSocket, timed, withTimeout, releaseSdk, loadSdk } from './sdk-harness.mjs';

const DAY = 86400_000;
const N = 120;
const T0 = Date.now() - 10 * 60_000; // alice–bob message i at T0 + i s: the newest conversation
const RECENT = Array.from({ length: 20 }, (_, i) => `recent${String(i).padStart(2, '0')}`);
const OLD = ['old1', 'old2', 'old3'];

let server;
let app;
const tokens = {};
let gid;
const sdk = {}; // user → {conn, call}

function sdkFor(user) {
  if (!sdk[user]) {
    const conn = signInWithoutSocket(newConnection(server.url), user, tokens[user]);
    sdk[user] = { conn, call: timed(conn) };
  }
  return sdk[user].call;
}

before(async () => {
  loadSdk(); // fails first, and clearly, when node_modules is missing
  server = await startServer();
  app = new AgoraApp(server);
  await app.createUsers(['alice', 'bob', 'carol', 'dave', ...RECENT, ...OLD]);
  const g = await app.importData({ groups: [{ ref: 'g', groupname: 'Roamers', owner: 'bob', members: ['alice', 'carol'] }] });
  gid = g.groups.g;
  const messages = [];
  for (let i = 0; i < N; i++) {
    messages.push(i % 2
      ? { from: 'bob', to: 'alice', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `第${i}条 message ${i}` } }
      : { from: 'alice', to: 'bob', type: 'chat', timestamp: T0 + i * 1000, body: { type: 'txt', msg: `第${i}条 message ${i}` } });
  }
  RECENT.forEach((p, i) => messages.push({ from: p, to: 'alice', type: 'chat', age_ms: (i + 1) * 3 * 3600_000, body: { type: 'txt', msg: `hi from ${p}` } }));
  OLD.forEach((p, i) => messages.push({ from: 'alice', to: p, type: 'chat', age_ms: 8 * DAY + i * DAY, body: { type: 'txt', msg: `old ${p}` } }));
  for (let i = 0; i < 8; i++) messages.push({ from: ['bob', 'carol', 'alice'][i % 3], to: gid, type: 'groupchat', age_ms: 30 * 60_000 - i * 1000, body: { type: 'txt', msg: `group ${i}` } });
  for (let i = 0; i < 6; i++) messages.push({ from: 'carol', to: 'alice', type: 'chat', age_ms: 20 * 60_000 - i * 1000, body: { type: 'txt', msg: `carol ${i}` } });
  await app.importData({ messages });
  for (const u of ['alice', 'bob', 'carol', 'dave']) tokens[u] = await app.userToken(u);
});

after(async () => {
  releaseSdk(Object.values(sdk).map(({ conn }) => conn));
  if (server?.alive) await server.stop();
});

// alice's conversations newest first: bob (minutes ago), carol (20 min), group (30 min), recentNN (3h steps), old*.
const expectedOrder = () => ['bob', 'carol', gid, ...RECENT, ...OLD];

test('getServerConversations pages to the end, every conversation once, with its last message', async () => {
  const seen = [];
  let cursor = '';
  for (let calls = 0; ; calls++) {
    assert.ok(calls < 10, 'cursor paging does not end');
    const res = await sdkFor('alice').getServerConversations({ pageSize: 10, cursor });
    const { conversations, cursor: next } = res.data;
    assert.ok(conversations.length <= 10);
    for (const c of conversations) {
      assert.equal(c.conversationType, c.conversationId === gid ? 'groupChat' : 'singleChat');
      assert.equal(typeof c.lastMessage.id, 'string');
      assert.equal(c.lastMessage.type, 'txt');
      assert.equal(typeof c.lastMessage.time, 'number');
      assert.equal(typeof c.unReadCount, 'number');
      seen.push(c.conversationId);
    }
    if (!next) break;
    cursor = next;
  }
  assert.deepEqual(seen, expectedOrder());
});

test('getServerConversations: lastMessage text, sender and chat type are intact', async () => {
  const res = await sdkFor('alice').getServerConversations({ pageSize: 3, cursor: '' });
  const [bob, carol, group] = res.data.conversations;
  assert.equal(bob.lastMessage.msg, `第${N - 1}条 message ${N - 1}`);
  assert.equal(bob.lastMessage.from, 'bob');
  assert.equal(bob.lastMessage.to, 'alice');
  assert.equal(bob.lastMessage.chatType, 'singleChat');
  assert.equal(bob.lastMessage.time, T0 + (N - 1) * 1000);
  assert.equal(carol.lastMessage.msg, 'carol 5');
  assert.equal(group.lastMessage.msg, 'group 7');
  assert.equal(group.lastMessage.chatType, 'groupChat');
  assert.equal(group.lastMessage.to, gid);
});

test('getConversationlist({pageNum, pageSize}) pages through every conversation once', async () => {
  const seen = [];
  for (let pageNum = 1; pageNum <= 3; pageNum++) {
    const res = await sdkFor('alice').getConversationlist({ pageNum, pageSize: 10 });
    const infos = res.data.channel_infos;
    assert.equal(infos.length, [10, 10, 6][pageNum - 1], `page ${pageNum}`);
    for (const c of infos) {
      assert.equal(typeof c.lastMessage?.id, 'string', 'meta became lastMessage');
      seen.push(c.channel_id);
    }
  }
  const empty = await sdkFor('alice').getConversationlist({ pageNum: 4, pageSize: 10 });
  assert.deepEqual(empty.data.channel_infos, []);
  assert.deepEqual(seen, expectedOrder().map((id) => (id === gid ? `org1#app1_${id}@conference.easemob.com` : `org1#app1_${id}@easemob.com`)));
});

test('getConversationlist() (legacy): 10 conversations of the last 7 days', async () => {
  const res = await sdkFor('alice').getConversationlist();
  const ids = res.data.channel_infos.map((c) => c.channel_id);
  assert.deepEqual(ids, expectedOrder().slice(0, 10).map((id) => (id === gid ? `org1#app1_${id}@conference.easemob.com` : `org1#app1_${id}@easemob.com`)));
  for (const c of res.data.channel_infos) assert.ok(c.lastMessage.time > Date.now() - 7 * DAY);
});

async function sdkHistory(user, targetId, { pageSize, direction, chatType = 'singleChat' }) {
  const all = [];
  const sizes = [];
  let cursor = -1;
  for (let calls = 0; ; calls++) {
    assert.ok(calls < 100, 'history paging does not end');
    const res = await sdkFor(user).getHistoryMessages({ targetId, chatType, pageSize, cursor, searchDirection: direction });
    all.push(...res.messages);
    sizes.push(res.messages.length);
    if (res.isLast) break;
    assert.equal(typeof res.cursor, 'string');
    cursor = res.cursor;
  }
  return { messages: all, sizes };
}

const text = (i) => `第${i}条 message ${i}`;

for (const pageSize of [50, 20]) {
  for (const direction of ['up', 'down']) {
    test(`getHistoryMessages: 120 messages in pages of ${pageSize}, searchDirection ${direction}: each once, in order, intact`, async () => {
      const { messages, sizes } = await sdkHistory('alice', 'bob', { pageSize, direction });
      const order = Array.from({ length: N }, (_, k) => (direction === 'up' ? N - 1 - k : k));
      assert.deepEqual(messages.map((m) => m.msg), order.map(text));
      assert.equal(sizes.reduce((a, b) => a + b, 0), N);
      assert.equal(sizes[0], pageSize);
      // The same ids and times as the REST reply decoded independently.
      const rest = await fetchAll(app, 'bob', tokens.bob, chatQueue('alice'), { pageSize: 50, forward: direction === 'down' });
      assert.deepEqual(messages.map((m) => m.id), rest.metas.map((m) => m.id));
      messages.forEach((m, k) => {
        const i = order[k];
        assert.equal(m.type, 'txt');
        assert.equal(m.chatType, 'singleChat');
        assert.equal(m.time, T0 + i * 1000);
        assert.equal(m.from, i % 2 ? 'bob' : 'alice');
        assert.equal(m.to, i % 2 ? 'alice' : 'bob');
      });
    });
  }
}

test('getHistoryMessages of a group, and a group one is not in rejects with a code', async () => {
  const { messages } = await sdkHistory('carol', gid, { pageSize: 3, direction: 'down', chatType: 'groupChat' });
  assert.deepEqual(messages.map((m) => m.msg), Array.from({ length: 8 }, (_, i) => `group ${i}`));
  for (const m of messages) assert.equal(m.chatType, 'groupChat');
  await assert.rejects(
    sdkFor('dave').getHistoryMessages({ targetId: gid, chatType: 'groupChat', pageSize: 10 }),
    (e) => typeof e.type === 'number' && typeof e.message === 'string',
  );
});

test('removeHistoryMessages by ids: gone for alice only (R5)', async () => {
  const before = (await sdkHistory('alice', 'bob', { pageSize: 50, direction: 'down' })).messages;
  const victims = [before[3], before[50], before[119]].map((m) => m.id);
  await sdkFor('alice').removeHistoryMessages({ targetId: 'bob', chatType: 'singleChat', messageIds: victims });
  const after = (await sdkHistory('alice', 'bob', { pageSize: 50, direction: 'down' })).messages;
  assert.deepEqual(after.map((m) => m.id), before.map((m) => m.id).filter((id) => !victims.includes(id)));
  const bobView = await fetchAll(app, 'bob', tokens.bob, chatQueue('alice'), { pageSize: 50 });
  assert.equal(bobView.metas.length, N, 'bob still has every message');
});

test('removeHistoryMessages by time: at or before the time, for alice only (R5)', async () => {
  await sdkFor('alice').removeHistoryMessages({ targetId: 'bob', chatType: 'singleChat', beforeTimeStamp: T0 + 9 * 1000 });
  const after = (await sdkHistory('alice', 'bob', { pageSize: 50, direction: 'down' })).messages;
  assert.equal(after[0].msg, text(10));
  assert.equal(after.length, N - 10 - 2, '0..9 gone, and the two later ids removed before');
  const bobView = await fetchAll(app, 'bob', tokens.bob, chatQueue('alice'), { pageSize: 50, forward: true });
  assert.equal(textOf(bobView.metas[0]), text(0));
  assert.equal(bobView.metas.length, N);
});

test('removeHistoryMessages in a group: only the caller\'s view', async () => {
  await sdkFor('carol').removeHistoryMessages({ targetId: gid, chatType: 'groupChat', beforeTimeStamp: Date.now() });
  assert.deepEqual((await sdkHistory('carol', gid, { pageSize: 20, direction: 'up', chatType: 'groupChat' })).messages, []);
  const bobView = await fetchAll(app, 'bob', tokens.bob, groupQueue(gid), { pageSize: 50 });
  assert.equal(bobView.metas.length, 8);
});

async function restList(user) {
  const r = await app.call('GET', `/sdk/user/${user}/user_channels/list?&limit=50&cursor=&need_mark=true`, { token: tokens[user] });
  assert.equal(r.status, 200, String(r));
  return r.json.data.channel_infos.map((e) => e.session_to);
}

test('deleteConversation without deleteRoam: no user lists it, both still fetch history (R6)', async () => {
  assert.ok((await restList('carol')).includes('alice'));
  await sdkFor('alice').deleteConversation({ channel: 'carol', chatType: 'singleChat', deleteRoam: false });
  const res = await sdkFor('alice').getServerConversations({ pageSize: 50, cursor: '' });
  assert.ok(!res.data.conversations.some((c) => c.conversationId === 'carol'));
  assert.ok(!(await restList('carol')).includes('alice'), 'carol no longer gets the conversation');
  const carolView = await fetchAll(app, 'carol', tokens.carol, chatQueue('alice'), { pageSize: 50 });
  assert.equal(carolView.metas.length, 6, 'history kept without deleteRoam');
  assert.equal((await sdkHistory('alice', 'carol', { pageSize: 50, direction: 'up' })).messages.length, 6);
});

test('deleteConversation with deleteRoam (group): no member lists it or can fetch its messages (R6)', async () => {
  assert.ok((await restList('bob')).includes(gid));
  await sdkFor('alice').deleteConversation({ channel: gid, chatType: 'groupChat', deleteRoam: true });
  for (const u of ['alice', 'bob', 'carol']) {
    assert.ok(!(await restList(u)).includes(gid), `${u} still lists the group`);
    const h = await fetchAll(app, u, tokens[u], groupQueue(gid), { pageSize: 50 });
    assert.equal(h.metas.length, 0, `${u} still fetches group messages`);
  }
});

test('deleteConversation with deleteRoam (one-to-one): bob can no longer fetch the messages (R6)', async () => {
  await sdkFor('alice').deleteConversation({ channel: 'bob', chatType: 'singleChat', deleteRoam: true });
  assert.ok(!(await restList('bob')).includes('alice'));
  const bobView = await fetchAll(app, 'bob', tokens.bob, chatQueue('alice'), { pageSize: 50 });
  assert.equal(bobView.metas.length, 0);
  assert.deepEqual((await sdkHistory('alice', 'bob', { pageSize: 50, direction: 'up' })).messages, []);
});

test('failures reject with a code and a description (R7): bad token → NO_PERMISSION', async () => {
  const conn = signInWithoutSocket(newConnection(server.url), 'alice', 'not-a-token');
  sdk.badToken = { conn, call: timed(conn) };
  await assert.rejects(
    withTimeout(conn.getServerConversations({ pageSize: 10, cursor: '' }), 'getServerConversations'),
    (e) => {
      assert.equal(e.type, 52, `type ${e.type} message ${e.message}`);
      assert.equal(typeof e.message, 'string');
      return true;
    },
  );
});

test('the server survived the SDK and shuts down cleanly', async () => {
  assert.ok(server.alive, server.logTail());
  const { code } = await server.stop();
  assert.equal(code, 0);
});
