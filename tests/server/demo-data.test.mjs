// data/demo: the committed demo.json is what make-demo.mjs generates, and the
// server loads it with --seed so that alice can sign in and roam.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, chatQueue, fetchAll, textOf } from '../lib/agora.mjs';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'demo');
const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'agora-demo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('demo.json is up to date with make-demo.mjs (deterministic)', () => {
  const out = join(tmp, 'demo.json');
  execFileSync(process.execPath, [join(demoDir, 'make-demo.mjs'), '--out', out]);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(demoDir, 'demo.json'), 'utf8'));
});

test('demo data has the promised shape', () => {
  assert.ok(demo.users.length >= 5);
  assert.ok(demo.users.every((u) => u.password === 'demo-password'));
  assert.ok(demo.users.some((u) => u.username === 'alice'));
  assert.ok(demo.users.some((u) => /[\u4e00-\u9fff]/.test(u.nickname ?? '')), 'a Chinese nickname');
  assert.ok(demo.groups.length >= 2 && demo.groups.length <= 3);
  assert.ok(demo.messages.length >= 200);
  const types = new Set(demo.messages.map((m) => m.body.type));
  for (const t of ['txt', 'img', 'file', 'loc']) assert.ok(types.has(t), t);
  const WEEK = 7 * 86400_000;
  assert.ok(demo.messages.some((m) => m.age_ms > WEEK) && demo.messages.some((m) => m.age_ms < WEEK));
  assert.ok(Math.max(...demo.messages.map((m) => m.age_ms)) <= 21 * 86400_000);
});

test('the server loads demo.json with --seed; alice signs in and roams', async () => {
  const server = await startServer({ args: ['--seed', join(demoDir, 'demo.json')] });
  try {
    const app = new AgoraApp(server);
    const token = await app.userToken('alice', 'demo-password');
    const list = await app.call('GET', '/sdk/user/alice/user_channels/list?&limit=50&cursor=&need_mark=true', { token });
    assert.equal(list.status, 200, String(list));
    const convs = list.json.data.channel_infos;
    assert.equal(convs.filter((c) => c.session_type === 'chat').length, 5);
    assert.equal(convs.filter((c) => c.session_type === 'groupchat').length, 3);
    const expected = demo.messages.filter((m) => m.type === 'chat' && [m.from, m.to].sort().join() === 'alice,bob');
    const h = await fetchAll(app, 'alice', token, chatQueue('bob'), { pageSize: 50, forward: true });
    assert.equal(h.metas.length, expected.length);
    assert.deepEqual(h.metas.map(textOf).filter(Boolean), expected.filter((m) => m.body.type === 'txt').map((m) => m.body.msg));
    const nick = await app.call('POST', '/metadata/user/get', { token, body: { targets: ['wangxiaoming'], properties: ['nickname'] } });
    assert.equal(nick.json.data.wangxiaoming.nickname, '王小明');
  } finally {
    await server.stop();
  }
});
