// node:test glue: one fresh server per test file, and a closing test that
// proves the server survived everything the file threw at it and shuts down
// cleanly on SIGTERM.

import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { AgoraApp } from './agora.mjs';

/**
 * Registers before/after hooks; returns a context whose .server and .app are
 * set once the server is up.  opts.setup(ctx) runs after start (load data).
 */
export function serverFixture(opts = {}) {
  const ctx = { server: undefined, app: undefined };
  before(async () => {
    ctx.server = await startServer(opts);
    ctx.app = new AgoraApp(ctx.server, opts.appOptions);
    if (opts.setup) await opts.setup(ctx);
  });
  after(async () => {
    if (ctx.server?.alive) await ctx.server.stop();
  });
  return ctx;
}

/** Call last in a file: the server still answers, then exits 0 on SIGTERM. */
export function testServerSurvives(ctx) {
  test('server still answers and shuts down cleanly', async () => {
    assert.ok(ctx.server.alive, `server died; log tail:\n${ctx.server.logTail()}`);
    const r = await ctx.app.call('POST', '/token', {
      body: { grant_type: 'client_credentials', client_id: ctx.app.clientId, client_secret: ctx.app.clientSecret },
    });
    assert.equal(r.status, 200, String(r));
    const { code, signal } = await ctx.server.stop();
    assert.equal(signal, null, `server killed by ${signal}`);
    assert.equal(code, 0, `exit code ${code}; log tail:\n${ctx.server.logTail()}`);
  });
}
