// /token (password and client_credentials), bearer checking on every call,
// token expiry, token introspection, and app scoping of tokens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture, testServerSurvives } from '../lib/fixture.mjs';
import { startServer } from '../lib/server.mjs';
import { AgoraApp, OAUTH_401, PASSWORD } from '../lib/agora.mjs';

const ctx = serverFixture({
  args: ['--app-key', 'org1#app1', '--app-key', 'org2#app2'],
  setup: async ({ app }) => {
    await app.createUsers(['alice', 'bob']);
  },
});

const passwordGrant = (username, password) => ({ grant_type: 'password', username, password, timestamp: Date.now() });

test('password grant: 200 with token, relative expiry and user object', async () => {
  const r = await ctx.app.call('POST', '/token', { body: passwordGrant('alice', PASSWORD) });
  assert.equal(r.status, 200, String(r));
  assert.equal(typeof r.json.access_token, 'string');
  assert.ok(r.json.access_token.length >= 16, 'token too short to be random');
  assert.equal(r.json.expires_in, 86400);
  assert.equal(r.json.user.username, 'alice');
  assert.equal(r.json.user.type, 'user');
  assert.equal(r.json.user.activated, true);
  assert.equal(typeof r.json.user.uuid, 'string');
  assert.equal(typeof r.json.user.created, 'number');
  assert.equal(typeof r.json.user.modified, 'number');
});

test('two sign-ins give two different tokens, both valid', async () => {
  const t1 = await ctx.app.userToken('alice');
  const t2 = await ctx.app.userToken('alice');
  assert.notEqual(t1, t2);
  for (const token of [t1, t2]) {
    const r = await ctx.app.call('GET', '/users/alice/contacts/users', { token });
    assert.equal(r.status, 200, String(r));
  }
});

test('wrong password: 400 invalid_grant "invalid password"', async () => {
  const r = await ctx.app.call('POST', '/token', { body: passwordGrant('alice', 'nope') });
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'invalid_grant');
  assert.equal(r.json.error_description, 'invalid password');
});

test('unknown user: 404 invalid_grant "user not found"', async () => {
  const r = await ctx.app.call('POST', '/token', { body: passwordGrant('nobody', PASSWORD) });
  assert.equal(r.status, 404, String(r));
  assert.equal(r.json.error, 'invalid_grant');
  assert.equal(r.json.error_description, 'user not found');
});

test('password grant without username or password: 400', async () => {
  for (const body of [{ grant_type: 'password', password: PASSWORD }, { grant_type: 'password', username: 'alice' }]) {
    const r = await ctx.app.call('POST', '/token', { body });
    assert.equal(r.status, 400, String(r));
    assert.equal(typeof r.json.error, 'string');
    assert.equal(typeof r.json.error_description, 'string');
  }
});

test('unknown grant_type: 400 with an error body', async () => {
  const r = await ctx.app.call('POST', '/token', { body: { grant_type: 'magic' } });
  assert.equal(r.status, 400, String(r));
  assert.equal(typeof r.json.error, 'string');
});

test('client_credentials: good credentials give an app token', async () => {
  const r = await ctx.app.call('POST', '/token', {
    body: { grant_type: 'client_credentials', client_id: 'local-client-id', client_secret: 'local-client-secret' },
  });
  assert.equal(r.status, 200, String(r));
  assert.equal(typeof r.json.access_token, 'string');
  assert.equal(r.json.expires_in, 86400);
  assert.ok('application' in r.json, 'reply names the application');
});

test('client_credentials: errors of §14', async () => {
  const bad = async (body) => ctx.app.call('POST', '/token', { body: { grant_type: 'client_credentials', ...body } });
  let r = await bad({ client_secret: 'local-client-secret' });
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'illegal_argument');
  assert.equal(r.json.error_description, 'client_id must be provided.');

  r = await bad({ client_id: 'other-id', client_secret: 'local-client-secret' });
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'invalid_grant');
  assert.equal(r.json.error_description, 'client_id does not match');

  r = await bad({ client_id: 'local-client-id', client_secret: 'wrong' });
  assert.equal(r.status, 400, String(r));
  assert.equal(r.json.error, 'invalid_grant');
  assert.equal(r.json.error_description, 'client_secret does not match');
});

test('missing, garbage and malformed bearer: 401 with the exact OAuth body', async () => {
  const cases = [
    {},
    { token: 'garbage-token-that-was-never-issued' },
    { headers: { Authorization: 'Bearer' } },
    { headers: { Authorization: 'Bearer ' } },
    { headers: { Authorization: 'Basic YWxpY2U6c2VjcmV0' } },
    { headers: { Authorization: 'Bearer \u00e9\u00e9' } },
  ];
  for (const opts of cases) {
    for (const [method, p, body] of [
      ['GET', '/users/alice/user_channels'],
      ['POST', '/users/alice/messageroaming', { queue: 'bob@easemob.com' }],
      ['GET', '/sdk/user/alice/user_channels/list?&limit=20&cursor=&need_mark=true'],
      ['DELETE', '/user/alice/user_channel', { channel: 'bob', type: 'chat', delete_roam: false }],
      ['POST', '/chatgroups', { groupname: 'x', owner: 'alice', members: [] }],
    ]) {
      const r = await ctx.app.call(method, p, { ...opts, body });
      assert.equal(r.status, 401, `${method} ${p} ${JSON.stringify(opts)}: ${r}`);
      assert.deepEqual(
        { error: r.json.error, exception: r.json.exception, error_description: r.json.error_description },
        OAUTH_401, `${method} ${p}`);
    }
  }
});

test('admin-only calls refuse a user token', async () => {
  const token = await ctx.app.userToken('alice');
  const r = await ctx.app.call('POST', '/chatgroups', { token, body: { groupname: 'x', owner: 'alice', members: ['bob'] } });
  assert.equal(r.status, 403, String(r));
  assert.equal(r.json.error, 'forbidden');
  const r2 = await ctx.app.call('POST', '/import', { token, body: { users: [{ username: 'mallory', password: 'x' }] } });
  assert.equal(r2.status, 403, String(r2));
  const r3 = await ctx.app.call('POST', '/token', { body: passwordGrant('mallory', 'x') });
  assert.equal(r3.status, 404, 'the refused import created no user');
});

test('the app token may read any user\'s data', async () => {
  const r = await ctx.app.admin('GET', '/users/alice/user_channels');
  assert.equal(r.status, 200, String(r));
});

test('token/expires tells the absolute expiry in ms', async () => {
  const before = Date.now();
  const token = await ctx.app.userToken('alice');
  const r = await ctx.app.call('GET', '/sdk/users/alice/token/expires', { token });
  assert.equal(r.status, 200, String(r));
  const ts = r.json.expire_timestamp ?? r.json.data?.expire_timestamp;
  assert.equal(typeof ts, 'number', String(r));
  assert.ok(ts >= before + 86400_000 - 5000 && ts <= Date.now() + 86400_000 + 5000, `expire_timestamp ${ts}`);
});

test('a token of one app is not valid for another app', async () => {
  const app2 = new AgoraApp(ctx.server, { appKey: 'org2#app2' });
  await app2.createUsers(['alice']);
  const token1 = await ctx.app.userToken('alice');
  const r = await app2.call('GET', '/users/alice/user_channels', { token: token1 });
  assert.equal(r.status, 401, String(r));
  assert.equal(r.json.error_description, OAUTH_401.error_description);
  const token2 = await app2.userToken('alice');
  assert.equal((await app2.call('GET', '/users/alice/user_channels', { token: token2 })).status, 200);
});

test('unknown app: 404 organization_application_not_found', async () => {
  const other = new AgoraApp(ctx.server, { appKey: 'nosuch#app' });
  const r = await other.call('POST', '/token', { body: passwordGrant('alice', PASSWORD) });
  assert.equal(r.status, 404, String(r));
  assert.equal(r.json.error, 'organization_application_not_found');
});

test('logs never contain passwords or tokens', async () => {
  const token = await ctx.app.userToken('alice');
  await ctx.app.call('GET', '/users/alice/user_channels', { token });
  await ctx.app.call('POST', '/token', { body: passwordGrant('alice', 'a-wrong-password-xyz') });
  // Give the log line time to arrive through the pipe.
  await new Promise((r) => setTimeout(r, 200));
  const log = ctx.server.logTail();
  assert.ok(log.length > 0, 'the server logs requests to stderr');
  assert.ok(log.includes('/token'), 'request paths are logged');
  for (const secret of [token, PASSWORD, 'a-wrong-password-xyz', 'local-client-secret', await ctx.app.adminToken()]) {
    assert.ok(!log.includes(secret), `log contains a secret: ${secret.slice(0, 6)}…`);
  }
});

test('with --token-ttl 1 a token expires: 401 with the exact OAuth body', async () => {
  const server = await startServer({ args: ['--token-ttl', '1'] });
  try {
    const app = new AgoraApp(server);
    await app.createUsers(['alice']);
    const r0 = await app.call('POST', '/token', { body: passwordGrant('alice', PASSWORD) });
    assert.equal(r0.status, 200, String(r0));
    assert.equal(r0.json.expires_in, 1);
    const token = r0.json.access_token;
    const ok = await app.call('GET', '/users/alice/user_channels', { token });
    assert.equal(ok.status, 200, `fresh token works: ${ok}`);
    await new Promise((r) => setTimeout(r, 2100));
    const r = await app.call('GET', '/users/alice/user_channels', { token });
    assert.equal(r.status, 401, String(r));
    assert.deepEqual(
      { error: r.json.error, exception: r.json.exception, error_description: r.json.error_description }, OAUTH_401);
    // The admin token expires likewise; a new one is issued fine.
    app._admin = undefined;
    const adminToken = await app.adminToken();
    assert.equal((await app.call('GET', '/users/alice/user_channels', { token: adminToken })).status, 200);
  } finally {
    await server.stop();
  }
});

testServerSurvives(ctx);
