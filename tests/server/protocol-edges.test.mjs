// Everything around the calls: discovery (server.json), CORS preflight, the
// SDK's query-string quirks, unknown paths/apps, oversized and malformed
// bodies, --config; and the server keeps answering through all of it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { startServer } from '../lib/server.mjs';
import { AgoraApp } from '../lib/agora.mjs';

const MAX_BODY = 8192;
const ctx = serverFixture({
  args: ['--max-body', String(MAX_BODY)],
  setup: async (c) => {
    await c.app.createUsers(['alice', 'bob']);
    await c.app.sendText('bob', 'alice', 'hello');
    c.alice = await c.app.userToken('alice');
  },
});

test('discovery: /easemob/server.json names this server for rest and msync (encoded and raw app key)', async () => {
  for (const q of ['app_key=org1%23app1', `app_key=org1%23app1&_v=${Date.now()}`]) {
    const r = await ctx.app.raw('GET', `/easemob/server.json?${q}`);
    assert.equal(r.status, 200, `${q}: ${r}`);
    for (const key of ['rest', 'msync-wx']) {
      const hosts = r.json[key]?.hosts;
      assert.ok(Array.isArray(hosts) && hosts.length > 0, `${key}.hosts`);
      const h = hosts.find((x) => x.protocol === 'http');
      assert.ok(h, `${key} has an http host`);
      assert.equal(h.domain, '127.0.0.1');
      assert.equal(String(h.port), String(ctx.server.port));
    }
    assert.equal(r.json.app_key, 'org1#app1');
  }
});

test('discovery: a raw app key whose "#app" the client dropped as a fragment still resolves', async () => {
  const r = await ctx.app.raw('GET', '/easemob/server.json?app_key=org1#app1');
  assert.equal(r.status, 200, String(r));
  assert.equal(r.json.app_key, 'org1#app1');
});

test('discovery: unknown or missing app key → 4xx with an error body', async () => {
  for (const q of ['app_key=nosuch%23app', '']) {
    const r = await ctx.app.raw('GET', `/easemob/server.json?${q}`);
    assert.ok(r.status === 400 || r.status === 404, `${q}: ${r}`);
    assert.equal(typeof r.json.error, 'string');
  }
});

test('CORS: preflight answered, Allow-Origin on every reply', async () => {
  const r = await ctx.app.call('OPTIONS', '/users/alice/messageroaming', {
    headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  assert.ok(r.status === 200 || r.status === 204, String(r));
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  const methods = (r.headers.get('access-control-allow-methods') ?? '').toUpperCase();
  for (const m of ['GET', 'POST', 'PUT', 'DELETE']) assert.ok(methods.includes(m), `Allow-Methods ${methods}`);
  const headers = (r.headers.get('access-control-allow-headers') ?? '').toLowerCase();
  for (const h of ['authorization', 'content-type']) assert.ok(headers.includes(h), `Allow-Headers ${headers}`);
  // Preflight of a DELETE with a body and of a path that needs a token: no auth asked.
  const d = await ctx.app.call('OPTIONS', '/user/alice/user_channel?resource=x', { headers: { Origin: 'http://x', 'Access-Control-Request-Method': 'DELETE' } });
  assert.ok(d.status === 200 || d.status === 204, String(d));
  for (const reply of [
    await ctx.app.call('GET', '/users/alice/user_channels', { token: ctx.alice, headers: { Origin: 'http://x' } }),
    await ctx.app.call('GET', '/users/alice/user_channels', { headers: { Origin: 'http://x' } }),
    await ctx.app.call('GET', '/no/such/path', { headers: { Origin: 'http://x' } }),
  ]) {
    assert.equal(reply.headers.get('access-control-allow-origin'), '*', `on ${reply.status}`);
  }
});

test('query quirks: ?&, &&, _v, empty cursor, unencoded values', async () => {
  const t = { token: ctx.alice };
  const cases = [
    `/sdk/user/alice/user_channels/list?&limit=20&cursor=&need_mark=true&_v=${Date.now()}`,
    '/sdk/user/alice/user_channels/list?&&limit=20&&cursor=&need_mark=true&&',
    `/users/alice/user_channels/page?pageNum=1&pageSize=20&_v=${Date.now()}`,
    `/users/alice/user_channels?_v=${Date.now()}`,
    '/users/alice/user_channels?',
    '/users/alice/contacts/users?unknown=param&x',
  ];
  for (const p of cases) {
    const r = await ctx.app.call('GET', p, t);
    assert.equal(r.status, 200, `${p}: ${r}`);
  }
  const list = await ctx.app.call('GET', cases[1], t);
  assert.deepEqual(list.json.data.channel_infos.map((e) => e.session_to), ['bob']);
  const del = await ctx.app.call('DELETE', '/sdk/message/roaming/chat/user/alice/time?userId=bob&delTime=1&&resource=webim_web_1', t);
  assert.equal(del.status, 200, String(del));
});

test('unknown paths → 404 with an error body; unknown app → 404 organization_application_not_found', async () => {
  for (const [method, p] of [['GET', '/org1/app1/nonsense'], ['POST', '/org1/app1/users/alice/nonsense'], ['GET', '/'], ['GET', '/org1'], ['PUT', '/org1/app1/users/alice/messageroaming/x']]) {
    const r = await ctx.app.raw(method, p, { token: ctx.alice });
    assert.equal(r.status, 404, `${method} ${p}: ${r}`);
    assert.equal(typeof r.json.error, 'string');
  }
  const r = await ctx.app.raw('GET', '/orgX/appX/users/alice/user_channels', { token: ctx.alice });
  assert.equal(r.status, 404, String(r));
  assert.equal(r.json.error, 'organization_application_not_found');
});

test('wrong method on a known path → 4xx, not a crash', async () => {
  const r = await ctx.app.call('GET', '/users/alice/messageroaming', { token: ctx.alice });
  assert.equal(r.status, 405, String(r));
  assert.equal(typeof r.json.error, 'string');
});

test('bodies over --max-body → 413; just under is processed', async () => {
  const pad = (n) => JSON.stringify({ queue: 'bob@easemob.com', start: -1, pull_number: 5, pad: 'x'.repeat(n) });
  const small = await ctx.app.call('POST', '/users/alice/messageroaming', { token: ctx.alice, rawBody: pad(MAX_BODY - 200) });
  assert.equal(small.status, 200, String(small));
  const big = await ctx.app.call('POST', '/users/alice/messageroaming', { token: ctx.alice, rawBody: pad(MAX_BODY + 10) });
  assert.equal(big.status, 413, String(big));
  const huge = await ctx.app.call('POST', '/token', { rawBody: pad(4 * 1024 * 1024) });
  assert.equal(huge.status, 413, String(huge));
});

test('malformed JSON and wrong types → 400 everywhere that reads a body', async () => {
  const bodies = ['{', '[1,2', '{"a":}', 'undefined', '\u00ff\u00fe', '{"grant_type":"password","username":"alice","password":"x"', '1e99999'];
  for (const rawBody of bodies) {
    for (const [p, token] of [['/token'], ['/users/alice/messageroaming', ctx.alice], ['/metadata/user/get', ctx.alice]]) {
      const r = await ctx.app.call('POST', p, { token, rawBody });
      assert.equal(r.status, 400, `${p} ${JSON.stringify(rawBody)}: ${r}`);
      assert.equal(typeof r.json?.error, 'string', 'error body is JSON');
    }
  }
  const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  const r = await ctx.app.call('POST', '/users/alice/messageroaming', { token: ctx.alice, rawBody: invalidUtf8 });
  assert.equal(r.status, 400, String(r));
  for (const body of [{ grant_type: 5 }, { grant_type: 'password', username: ['alice'], password: 'x' }, { grant_type: 'password', username: 'alice', password: null }]) {
    const t = await ctx.app.call('POST', '/token', { body });
    assert.equal(t.status, 400, `${JSON.stringify(body)}: ${t}`);
  }
});

test('hostile inputs: deep nesting, NUL bytes, odd paths, long ids — 4xx, never a crash', async () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  let r = await ctx.app.call('POST', '/token', { rawBody: deep.slice(0, MAX_BODY - 10) });
  assert.ok(r.status === 400 || r.status === 413, String(r));
  r = await ctx.app.call('POST', '/users/alice/messageroaming', { token: ctx.alice, rawBody: '{"queue":"bob\u0000x@easemob.com"}' });
  assert.equal(r.status, 400, String(r));
  for (const p of ['/users/alice%00/user_channels', '/users/%ff%fe/user_channels',
    `/users/${'a'.repeat(5000)}/user_channels`, '/chatgroups/99999999999999999999999999',]) {
    r = await ctx.app.call('GET', p, { token: ctx.alice });
    assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r}`);
  }
  assert.ok(ctx.server.alive);
});

test('a client that sends half a request and hangs up does not hurt the server', async () => {
  await new Promise((resolve, reject) => {
    const s = net.connect(ctx.server.port, '127.0.0.1', () => {
      s.write('POST /org1/app1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"grant_type":');
      setTimeout(() => { s.destroy(); resolve(); }, 50);
    });
    s.on('error', reject);
  });
  await new Promise((resolve, reject) => {
    const s = net.connect(ctx.server.port, '127.0.0.1', () => {
      s.write('GARBAGE\r\n\r\n');
    });
    s.on('data', () => s.destroy());
    s.on('close', resolve);
    s.on('error', reject);
  });
  const r = await ctx.app.call('GET', '/users/alice/contacts/users', { token: ctx.alice });
  assert.equal(r.status, 200, String(r));
});

test('--config: a GKeyFile [server] section sets the options', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agora-config-'));
  const conf = join(dir, 'server.conf');
  writeFileSync(conf, '[server]\napp-key=cfgorg#cfgapp\nclient-id=cfg-id\nclient-secret=cfg-secret\ntoken-ttl=120\n');
  const server = await startServer({ args: ['--config', conf] });
  try {
    const app = new AgoraApp(server, { appKey: 'cfgorg#cfgapp', clientId: 'cfg-id', clientSecret: 'cfg-secret' });
    const r = await app.call('POST', '/token', { body: { grant_type: 'client_credentials', client_id: 'cfg-id', client_secret: 'cfg-secret' } });
    assert.equal(r.status, 200, String(r));
    assert.equal(r.json.expires_in, 120);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad command line or config → non-zero exit with a message, no listening line', async () => {
  for (const args of [['--token-ttl', 'abc'], ['--app-key', 'no-hash'], ['--listen', 'not-an-address'], ['--config', '/nonexistent/file.conf'], ['--no-such-option']]) {
    await assert.rejects(startServer({ args }), /exited before listening/, args.join(' '));
  }
});

test('the database survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agora-restart-'));
  const db = join(dir, 'keep.db');
  try {
    let server = await startServer({ args: ['--db', db] });
    let app = new AgoraApp(server);
    await app.createUsers(['keeper', 'friend']);
    const id = await app.sendText('friend', 'keeper', 'persisted');
    const stopped = await server.stop();
    assert.equal(stopped.code, 0);
    server = await startServer({ args: ['--db', db] });
    app = new AgoraApp(server);
    const token = await app.userToken('keeper');
    const r = await app.roaming('keeper', token, { queue: 'friend@easemob.com', start: -1, pull_number: 5 });
    const { decodeRoaming, textOf } = await import('../lib/agora.mjs');
    const metas = decodeRoaming(r);
    assert.deepEqual(metas.map(textOf), ['persisted']);
    assert.equal(metas[0].id, id);
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

testServerSurvives(ctx);
