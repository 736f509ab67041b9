import test from 'ava';
import { isInvalidArgument } from '@proj/errdefs';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, type RequestMessage } from '@proj/ttrpc';

test('Request round-trips every field, metadata in order', (t) => {
  const request: RequestMessage = {
    service: 'containerd.task.v2.Task',
    method: 'Create',
    payload: new Uint8Array([1, 2, 3, 0, 255]),
    timeoutNano: 5_000_000_000,
    metadata: [
      { key: 'containerd-namespace-ttrpc', value: 'default' },
      { key: 'x', value: 'ünïcødé' },
      { key: 'x', value: '' },
    ],
  };
  const decoded = decodeRequest(encodeRequest(request));
  t.is(decoded.service, request.service);
  t.is(decoded.method, request.method);
  t.deepEqual([...decoded.payload], [...request.payload]);
  t.is(decoded.timeoutNano, request.timeoutNano);
  t.deepEqual(decoded.metadata, request.metadata);
});

test('Request encoding matches the protobuf bytes Go ttrpc writes', (t) => {
  const bytes = encodeRequest({ service: 'S', method: 'M', payload: new Uint8Array([9]), timeoutNano: 1, metadata: [{ key: 'k', value: 'v' }] });
  // 0a 01 'S' | 12 01 'M' | 1a 01 09 | 20 01 | 2a 06 (0a 01 'k' 12 01 'v')
  t.deepEqual([...bytes], [0x0a, 1, 0x53, 0x12, 1, 0x4d, 0x1a, 1, 9, 0x20, 1, 0x2a, 6, 0x0a, 1, 0x6b, 0x12, 1, 0x76]);
});

test('negative timeout_nano (an expired Go deadline) survives as a 10-byte varint', (t) => {
  const bytes = encodeRequest({ service: 's', method: 'm', payload: new Uint8Array(), timeoutNano: -5, metadata: [] });
  t.is(decodeRequest(bytes).timeoutNano, -5);
});

test('empty Request decodes to defaults', (t) => {
  const decoded = decodeRequest(new Uint8Array());
  t.like(decoded, { service: '', method: '', timeoutNano: 0, metadata: [] });
  t.is(decoded.payload.length, 0);
});

test('Response: success carries no status field, errors carry code and message', (t) => {
  const ok = encodeResponse({ payload: new Uint8Array([7]), status: { code: 0, message: '' } });
  t.deepEqual([...ok], [0x12, 1, 7]);
  t.deepEqual(decodeResponse(ok).status, undefined);
  const failed = decodeResponse(encodeResponse({ payload: new Uint8Array(), status: { code: 5, message: 'process does not exist bogus: not found' } }));
  t.deepEqual(failed.status, { code: 5, message: 'process does not exist bogus: not found' });
  t.is(failed.payload.length, 0);
});

test('Response decoding skips unknown fields and status details', (t) => {
  // status { code 3, message "x", details { type_url "t" } } + unknown field 9 varint
  const status = [0x08, 3, 0x12, 1, 0x78, 0x1a, 3, 0x0a, 1, 0x74];
  const bytes = new Uint8Array([0x0a, status.length, ...status, 0x48, 1]);
  t.deepEqual(decodeResponse(bytes).status, { code: 3, message: 'x' });
});

test('garbage bytes fail decoding with InvalidArgumentError, never something else', (t) => {
  const samples = [
    [0xff],
    [0x0a, 0x05, 0x41],
    [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f],
    [0x0b],
    [0x08, 0x80, 0x80],
    [0x0a, 0x02, 0xc3, 0x28],
    [0x00, 0x01],
  ];
  for (const sample of samples) {
    const error = t.throws(() => decodeRequest(new Uint8Array(sample)));
    t.true(isInvalidArgument(error), `sample ${sample.join(',')}: ${error?.message}`);
    t.regex(error!.message, /malformed ttrpc request/);
  }
  for (let seed = 1; seed < 500; seed++) {
    const bytes = new Uint8Array(16).map((_, i) => (seed * 7919 + i * 104729) % 256);
    try {
      decodeResponse(bytes);
    } catch (error) {
      t.true(isInvalidArgument(error), (error as Error).message);
    }
  }
});
