// A minimal protobuf reader for the test suite: enough of the wire format
// (varint, 64-bit, length-delimited, 32-bit) to decode the easemob.pb.Meta and
// MessageBody the server returns from messageroaming.  Test code only: it is
// deliberately independent of the C codec so that it can catch its mistakes.

export class PbError extends Error {}

function readVarint(buf, pos) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new PbError('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
    if (shift > 63n) throw new PbError('varint too long');
  }
  return [result, pos];
}

/** Splits a message into Map<fieldNumber, Array<{wt, value}>>. */
export function readFields(buf) {
  const fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wt = Number(key & 7n);
    let value;
    switch (wt) {
      case 0:
        [value, pos] = readVarint(buf, pos);
        break;
      case 1:
        if (pos + 8 > buf.length) throw new PbError('truncated fixed64');
        value = buf.subarray(pos, pos + 8);
        pos += 8;
        break;
      case 2: {
        let len;
        [len, pos] = readVarint(buf, pos);
        const n = Number(len);
        if (pos + n > buf.length) throw new PbError(`truncated field ${field}`);
        value = buf.subarray(pos, pos + n);
        pos += n;
        break;
      }
      case 5:
        if (pos + 4 > buf.length) throw new PbError('truncated fixed32');
        value = buf.subarray(pos, pos + 4);
        pos += 4;
        break;
      default:
        throw new PbError(`unsupported wire type ${wt} (field ${field})`);
    }
    if (field === 0) throw new PbError('field number 0');
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field).push({ wt, value });
  }
  return fields;
}

const last = (fields, n) => fields.get(n)?.at(-1)?.value;
const all = (fields, n) => (fields.get(n) ?? []).map((f) => f.value);
const str = (v) => (v === undefined ? undefined : Buffer.from(v).toString('utf8'));
const num = (v) => (v === undefined ? undefined : Number(v));
const dbl = (v) => (v === undefined ? undefined : Buffer.from(v).readDoubleLE(0));
const flt = (v) => (v === undefined ? undefined : Buffer.from(v).readFloatLE(0));
const int32 = (v) => (v === undefined ? undefined : Number(BigInt.asIntN(32, v)));

export function decodeJid(buf) {
  const f = readFields(buf);
  return {
    appKey: str(last(f, 1)),
    name: str(last(f, 2)),
    domain: str(last(f, 3)),
    clientResource: str(last(f, 4)),
  };
}

export function decodeKeyValue(buf) {
  const f = readFields(buf);
  const kv = { key: str(last(f, 1)), type: num(last(f, 2)) };
  if (f.has(3)) kv.varintValue = BigInt.asIntN(64, last(f, 3));
  if (f.has(4)) kv.floatValue = flt(last(f, 4));
  if (f.has(5)) kv.doubleValue = dbl(last(f, 5));
  if (f.has(6)) kv.stringValue = str(last(f, 6));
  return kv;
}

function decodeSize(buf) {
  const f = readFields(buf);
  return { width: dbl(last(f, 1)), height: dbl(last(f, 2)) };
}

export const ContentType = { TEXT: 0, IMAGE: 1, VIDEO: 2, LOCATION: 3, VOICE: 4, FILE: 5, COMMAND: 6, CUSTOM: 7, COMBINE: 8 };

export function decodeContent(buf) {
  const f = readFields(buf);
  const c = {
    type: num(last(f, 1)),
    text: str(last(f, 2)),
    latitude: dbl(last(f, 3)),
    longitude: dbl(last(f, 4)),
    address: str(last(f, 5)),
    displayName: str(last(f, 6)),
    remotePath: str(last(f, 7)),
    secretKey: str(last(f, 8)),
    fileLength: int32(last(f, 9)),
    action: str(last(f, 10)),
    params: all(f, 11).map(decodeKeyValue),
    duration: int32(last(f, 12)),
    size: f.has(13) ? decodeSize(last(f, 13)) : undefined,
    customEvent: str(last(f, 19)),
    customExts: all(f, 20).map(decodeKeyValue),
    buildingName: str(last(f, 21)),
    subType: num(last(f, 22)),
  };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

export const BodyType = { NORMAL: 0, CHAT: 1, GROUPCHAT: 2, CHATROOM: 3 };

export function decodeMessageBody(buf) {
  const f = readFields(buf);
  return {
    type: num(last(f, 1)),
    from: f.has(2) ? decodeJid(last(f, 2)) : undefined,
    to: f.has(3) ? decodeJid(last(f, 3)) : undefined,
    contents: all(f, 4).map(decodeContent),
    ext: all(f, 5).map(decodeKeyValue),
    meta: str(last(f, 9)),
  };
}

export const NameSpace = { STATISTIC: 0, CHAT: 1, MUC: 2, ROSTER: 3, CONFERENCE: 4, NOTIFY: 5, QUERY: 6 };

/** Decodes an easemob.pb.Meta; ids come back as decimal strings (they exceed 2^53). */
export function decodeMeta(buf) {
  const f = readFields(buf);
  const meta = {
    id: f.has(1) ? BigInt.asUintN(64, last(f, 1)).toString() : undefined,
    from: f.has(2) ? decodeJid(last(f, 2)) : undefined,
    to: f.has(3) ? decodeJid(last(f, 3)) : undefined,
    timestamp: num(last(f, 4)),
    ns: num(last(f, 5)),
    payloadBytes: last(f, 6),
  };
  if (meta.ns === NameSpace.CHAT && meta.payloadBytes) meta.body = decodeMessageBody(meta.payloadBytes);
  return meta;
}

export function decodeMetaBase64(b64) {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new PbError(`not standard base64: ${String(b64).slice(0, 40)}`);
  }
  return decodeMeta(Buffer.from(b64, 'base64'));
}
