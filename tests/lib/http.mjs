// A small typed wrapper over Node's built-in fetch for talking to the local
// server: every reply comes back as {status, headers, text, json} so tests can
// assert on error bodies as easily as on successes, and no call can hang a test.

const DEFAULT_TIMEOUT_MS = 15000;

export class HttpReply {
  constructor(status, headers, text) {
    this.status = status;
    this.headers = headers;
    this.text = text;
    try {
      this.json = text.length ? JSON.parse(text) : undefined;
    } catch {
      this.json = undefined;
    }
  }

  get data() {
    return this.json?.data;
  }

  toString() {
    return `HTTP ${this.status} ${this.text.slice(0, 500)}`;
  }
}

/**
 * request(baseUrl, method, path, {token, body, rawBody, headers, query, timeoutMs})
 * - path is appended verbatim (the SDK does not encode path segments either);
 * - query: an object appended as k=v pairs (values encoded) or a raw string;
 * - body: serialised as JSON; rawBody: sent as is (string or Buffer);
 * - Content-Type: application/json is sent on every call, as the SDK does (§2.1).
 */
export async function request(baseUrl, method, path, opts = {}) {
  let url = baseUrl + path;
  if (opts.query !== undefined) {
    const q = typeof opts.query === 'string'
      ? opts.query
      : Object.entries(opts.query)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&');
    url += (url.includes('?') ? '&' : '?') + q;
  }
  const headers = { 'Content-Type': 'application/json', ...(opts.headers ?? {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  const res = await fetch(url, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  const text = await res.text();
  return new HttpReply(res.status, res.headers, text);
}

/** Throws with the reply in the message unless the status is the expected one. */
export function expectStatus(reply, status, what = 'request') {
  if (reply.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${reply}`);
  }
  return reply;
}
