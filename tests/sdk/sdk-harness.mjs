// The official Agora Chat Web SDK (npm agora-chat@1.4.0) running in Node as a
// test peer of the local server.
//
// Browser stand-ins: self/window = globalThis, WebSocket from `ws` (without it
// the SDK picks its mini-program mode), XMLHttpRequest from `xhr2`, and small
// localStorage/navigator/document objects.
//
// Signing in without the WebSocket: open() only settles after the MSYNC
// PROVISION reply, and the local server has no WebSocket yet.  For REST the
// SDK needs only what open({user, accessToken}) sets before it connects the
// socket (Agora-chat.js, the password/token step of open() and the helper it
// calls right before): conn.user, conn.token, context.accessToken,
// context.restTokenData, and context.{jid, root, userId, appKey, appName,
// orgName}.  Every REST method first checks context.orgName/appName and
// context.accessToken (the "appkey or token error" guard), then builds its URL
// from conn.apiUrl, context.orgName/appName and context.userId and sends
// "Authorization: Bearer " + conn.token.  signInWithoutSocket() sets exactly
// those fields, so the REST calls run unmodified.  The token itself comes from
// the server's /token (the SDK's password grant is tested through
// fetchToken(), which posts the same body the SDK would).

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));

export const SDK_CALL_TIMEOUT_MS = 15000;

function checkInstalled() {
  for (const pkg of ['agora-chat', 'ws', 'xhr2']) {
    if (!existsSync(join(here, 'node_modules', pkg, 'package.json'))) {
      throw new Error(`tests/sdk/node_modules/${pkg} is missing: run "npm install" in tests/sdk (scripts/test.sh does it)`);
    }
  }
}

const windowListeners = new Map();

function installBrowserStandIns() {
  if (globalThis.__agoraStandIns) return;
  const store = new Map();
  globalThis.self = globalThis;
  globalThis.window = globalThis;
  globalThis.WebSocket = require('ws');
  globalThis.XMLHttpRequest = require('xhr2');
  globalThis.localStorage = {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
    clear: () => store.clear(),
  };
  if (!globalThis.navigator || !globalThis.navigator.userAgent) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { userAgent: 'node', platform: 'node', onLine: true, language: 'en' },
      configurable: true,
    });
  }
  globalThis.document = {
    addEventListener() {},
    removeEventListener() {},
    createElement: () => ({ style: {}, setAttribute() {}, appendChild() {} }),
    getElementsByTagName: () => [],
    hidden: false,
    visibilityState: 'visible',
  };
  globalThis.location = { protocol: 'http:', href: 'http://127.0.0.1/', host: '127.0.0.1' };
  // The SDK's data reporter starts a 60 s interval per connection and clears
  // it on the window's "beforeunload": keep those listeners so that
  // releaseSdk() can let the process exit.
  globalThis.addEventListener = (type, fn) => {
    if (!windowListeners.has(type)) windowListeners.set(type, []);
    windowListeners.get(type).push(fn);
  };
  globalThis.removeEventListener = (type, fn) => {
    windowListeners.set(type, (windowListeners.get(type) ?? []).filter((f) => f !== fn));
  };
  globalThis.__agoraStandIns = true;
}

let sdkModule;
export function loadSdk() {
  if (!sdkModule) {
    checkInstalled();
    installBrowserStandIns();
    const mod = require('agora-chat');
    sdkModule = mod.default ?? mod;
    // The SDK logs at debug level to the console by default.
    sdkModule.logger?.disableAll?.();
    sdkModule.logger?.setLevel?.(5);
  }
  return sdkModule;
}

/** A connection pointed at the local server, DNS off. */
export function newConnection(serverUrl, appKey = 'org1#app1', deviceId = undefined) {
  const AC = loadSdk();
  const { host } = new URL(serverUrl);
  return new AC.connection({
    appKey,
    isHttpDNS: false,
    https: false,
    url: `ws://${host}/websocket`,
    apiUrl: serverUrl,
    delivery: false,
    autoReconnectNumMax: 0,
    // The browser stand-ins share one localStorage: with the SDK's default
    // fixed device id every connection of the process would get the same
    // resource, so a test that needs several devices names them.
    ...(deviceId === undefined ? {} : { isFixedDeviceId: false, deviceId }),
  });
}

/** Polls predicate every 20 ms until it holds; throws after ms. */
export async function waitFor(what, predicate, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What open({user, accessToken}) sets before it opens the socket (see above). */
export function signInWithoutSocket(conn, user, accessToken) {
  // The PROVISION reply would set the resource; the REST deletes send it.
  if (!conn.clientResource) conn.clientResource = `webim_web_node${process.pid}`;
  conn.user = user;
  conn.grantType = 'accessToken';
  conn.token = accessToken;
  conn.context.accessToken = accessToken;
  conn.context.restTokenData = accessToken;
  conn.context.jid = { appKey: conn.appKey, name: user, domain: conn.domain, clientResource: conn.clientResource };
  conn.context.root = conn.root;
  conn.context.userId = user;
  conn.context.appKey = conn.appKey;
  conn.context.appName = conn.appName;
  conn.context.orgName = conn.orgName;
  return conn;
}

/** Every SDK call gets a deadline: some SDK promises never settle on a bad reply. */
export function withTimeout(promise, what, ms = SDK_CALL_TIMEOUT_MS) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SDK call ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(promise), deadline]).finally(() => clearTimeout(timer));
}

/** Wraps conn so that conn.call.NAME(args) is conn.NAME(args) with a timeout. */
export function timed(conn) {
  return new Proxy({}, {
    get: (_, name) => (...args) => withTimeout(conn[name](...args), String(name)),
  });
}

/** What a page unload does: stops the SDK's timers so that Node can exit. */
export function releaseSdk(connections = []) {
  for (const conn of connections) {
    try {
      conn.close?.();
    } catch {
      // No socket was ever opened.
    }
  }
  for (const fn of windowListeners.get('beforeunload') ?? []) fn({ type: 'beforeunload' });
  windowListeners.delete('beforeunload');
  const logger = sdkModule?.logger;
  if (logger?.timer) {
    clearInterval(logger.timer);
    logger.timer = null;
  }
}
