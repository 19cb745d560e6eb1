// Talking to one app of a running local server the way the tests need:
// admin token, user tokens, data set-up through the admin REST calls and the
// bulk import, and the roaming call with its reply decoded.

import { request, expectStatus } from './http.mjs';
import { decodeMetaBase64 } from './pb.mjs';

export const DEFAULT_APP_KEY = 'org1#app1';
export const DEFAULT_CLIENT_ID = 'local-client-id';
export const DEFAULT_CLIENT_SECRET = 'local-client-secret';
export const PASSWORD = 'secret-pw';

export const OAUTH_401 = {
  error: 'unauthorized',
  exception: 'EasemobSecurityException',
  error_description: 'Unable to authenticate (OAuth)',
};

export class AgoraApp {
  constructor(server, { appKey = DEFAULT_APP_KEY, clientId = DEFAULT_CLIENT_ID, clientSecret = DEFAULT_CLIENT_SECRET } = {}) {
    this.server = server;
    this.appKey = appKey;
    [this.org, this.app] = appKey.split('#');
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this._admin = undefined;
  }

  get baseUrl() {
    return this.server.url;
  }

  /** Path under /{org}/{app}. */
  path(p) {
    return `/${this.org}/${this.app}${p}`;
  }

  call(method, p, opts = {}) {
    return request(this.server.url, method, this.path(p), opts);
  }

  raw(method, p, opts = {}) {
    return request(this.server.url, method, p, opts);
  }

  async adminToken() {
    if (!this._admin) {
      const r = await this.call('POST', '/token', {
        body: { grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.clientSecret },
      });
      expectStatus(r, 200, 'client_credentials token');
      this._admin = r.json.access_token;
    }
    return this._admin;
  }

  async admin(method, p, opts = {}) {
    return this.call(method, p, { ...opts, token: await this.adminToken() });
  }

  async userToken(username, password = PASSWORD) {
    const r = await this.call('POST', '/token', {
      body: { grant_type: 'password', username, password, timestamp: Date.now() },
    });
    expectStatus(r, 200, `password token for ${username}`);
    return r.json.access_token;
  }

  /** POST /import; returns its data ({users, groups, messages, first_id, last_id}). */
  async importData(payload) {
    const r = await this.admin('POST', '/import', { body: payload });
    expectStatus(r, 200, 'import');
    return r.json.data;
  }

  async createUsers(names, password = PASSWORD) {
    return this.importData({ users: names.map((username) => ({ username, password, nickname: `Nick ${username}` })) });
  }

  /** Creates a group through the admin REST call; returns its id. */
  async createGroup({ groupname = 'group', owner, members = [], description = '', isPublic = false }) {
    const r = await this.admin('POST', '/chatgroups', {
      body: { groupname, description, public: isPublic, maxusers: 200, owner, members },
    });
    expectStatus(r, 200, 'create group');
    return r.json.data.groupid;
  }

  /** Sends one text through the admin REST call; returns the message id. */
  async sendText(from, to, msg, { group = false, ext } = {}) {
    const r = await this.admin('POST', group ? '/messages/chatgroups' : '/messages/users', {
      body: { from, to: [to], type: 'txt', body: { msg }, ...(ext ? { ext } : {}) },
    });
    expectStatus(r, 200, 'send message');
    return r.json.data[to];
  }

  /**
   * Imports n text messages alternately from a and b (or all from `from` for
   * a group), one second apart ending `endAgeMs` before now.  Returns their
   * texts oldest first.
   */
  async importConversation({ a, b, n, group, prefix = 'msg', endAgeMs = 60_000, stepMs = 1000 }) {
    const messages = [];
    const texts = [];
    for (let i = 0; i < n; i++) {
      const text = `${prefix} ${i}`;
      texts.push(text);
      const from = i % 2 === 0 ? a : b;
      messages.push(group
        ? { from, to: group, type: 'groupchat', age_ms: endAgeMs + (n - 1 - i) * stepMs, body: { type: 'txt', msg: text } }
        : { from, to: i % 2 === 0 ? b : a, type: 'chat', age_ms: endAgeMs + (n - 1 - i) * stepMs, body: { type: 'txt', msg: text } });
    }
    await this.importData({ messages });
    return texts;
  }

  /** POST messageroaming as `user`. */
  roaming(user, token, body) {
    return this.call('POST', `/users/${user}/messageroaming`, { token, body });
  }
}

export const chatQueue = (peer) => `${peer}@easemob.com`;
export const groupQueue = (gid) => `${gid}@conference.easemob.com`;

/** Decodes every msgs[].msg of a messageroaming reply. */
export function decodeRoaming(reply) {
  const data = reply.json?.data;
  if (!data) throw new Error(`no data in roaming reply: ${reply}`);
  return (data.msgs ?? []).map((m) => decodeMetaBase64(m.msg));
}

/** Text of a decoded Meta (first content). */
export const textOf = (meta) => meta.body?.contents?.[0]?.text;

/**
 * Pages through a whole conversation with messageroaming; returns decoded
 * metas in the order received plus the number of calls.
 */
export async function fetchAll(app, user, token, queue, { pageSize, forward = false, extra = {}, maxCalls = 1000, onPage } = {}) {
  const out = [];
  let start = -1;
  let calls = 0;
  for (;;) {
    if (++calls > maxCalls) throw new Error('roaming paging does not end');
    const r = await app.roaming(user, token, {
      queue, start, pull_number: pageSize, is_positive: forward, msgType: '', end: -1,
      startTime: null, endTime: null, userId: null, ...extra,
    });
    expectStatus(r, 200, 'messageroaming');
    const metas = decodeRoaming(r);
    out.push(...metas);
    if (onPage) await onPage(metas, r, calls);
    if (r.json.data.is_last) break;
    start = r.json.data.next_key;
    if (typeof start !== 'string' || start === 'undefined') throw new Error(`bad next_key ${JSON.stringify(start)} with is_last false`);
  }
  return { metas: out, calls };
}
