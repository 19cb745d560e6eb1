// The test suite's own protobuf reader against the golden vector of the
// protocol reference (§4.3), so that roaming tests can trust it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMetaBase64, readFields, PbError } from '../lib/pb.mjs';

const GOLDEN = 'COWA4JPGtNDTEBIqCglvcmcxI2FwcDESA2JvYhoLZWFzZW1vYi5jb20iC3dlYmltX3dlYl8xGh8KCW9yZzEjYXBwMRIFYWxpY2UaC2Vhc2Vtb2IuY29tIIDQlf+8MSgBMiMIARIFEgNib2IaBxIFYWxpY2UiDwgAEgtoZWxsbyBhbGljZQ==';

test('golden Meta decodes to "hello alice" from bob', () => {
  const m = decodeMetaBase64(GOLDEN);
  assert.equal(m.id, '1200000000000000101');
  assert.deepEqual(m.from, { appKey: 'org1#app1', name: 'bob', domain: 'easemob.com', clientResource: 'webim_web_1' });
  assert.deepEqual(m.to, { appKey: 'org1#app1', name: 'alice', domain: 'easemob.com', clientResource: undefined });
  assert.equal(m.timestamp, 1700000000000);
  assert.equal(m.ns, 1);
  assert.equal(m.body.type, 1);
  assert.equal(m.body.from.name, 'bob');
  assert.equal(m.body.to.name, 'alice');
  assert.deepEqual(m.body.contents, [{ type: 0, text: 'hello alice', params: [], customExts: [] }]);
});

test('truncated or malformed bytes are rejected, not misread', () => {
  const bytes = Buffer.from(GOLDEN, 'base64');
  for (const cut of [1, 5, 10, 20, 35]) {
    assert.throws(() => readFields(bytes.subarray(0, bytes.length - cut)), PbError, `cut ${cut}`);
  }
  assert.throws(() => decodeMetaBase64('not base64!'), PbError);
  assert.throws(() => readFields(Buffer.from([0x0b])), PbError, 'wire type 3');
});
