import test from 'ava';
import { FrameReader, MessageType, decodeFrameHeader, encodeFrame, frameHeaderLength, maxMessageLength } from '@proj/ttrpc';

test('the header is 10 bytes: big-endian length and stream id, type, flags', (t) => {
  const frame = encodeFrame(0x01020304, MessageType.Request, new Uint8Array([0xaa, 0xbb]), 1);
  t.is(frameHeaderLength, 10);
  t.is(maxMessageLength, 4 * 1024 * 1024);
  t.deepEqual([...frame], [0, 0, 0, 2, 1, 2, 3, 4, 1, 1, 0xaa, 0xbb]);
  t.deepEqual(decodeFrameHeader(frame), { length: 2, streamId: 0x01020304, type: 1, flags: 1 });
});

test('frames split across chunks, even byte by byte, come out whole and in order', (t) => {
  const bytes = Buffer.concat([
    encodeFrame(1, 1, Buffer.from('hello')),
    encodeFrame(3, 1, Buffer.alloc(0)),
    encodeFrame(5, 2, Buffer.alloc(70_000, 7)),
  ]);
  for (const step of [1, 3, 11, 4096, bytes.length]) {
    const reader = new FrameReader();
    const frames = [];
    for (let offset = 0; offset < bytes.length; offset += step) {
      for (const event of reader.push(bytes.subarray(offset, offset + step))) {
        if (event.kind === 'frame') frames.push(event.frame);
      }
    }
    t.deepEqual(
      frames.map((frame) => [frame.streamId, frame.type, frame.payload.length]),
      [
        [1, 1, 5],
        [3, 1, 0],
        [5, 2, 70_000],
      ],
      `step ${step}`,
    );
    t.is(frames[0]!.payload.toString(), 'hello');
    t.is(reader.incomplete(), undefined);
  }
});

test('an oversized frame is reported once and its bytes are skipped, then reading goes on', (t) => {
  const reader = new FrameReader(100);
  const big = encodeFrame(7, 1, Buffer.alloc(250, 1));
  const next = encodeFrame(9, 1, Buffer.from('ok'));
  const events = [...reader.push(big.subarray(0, 60)), ...reader.push(big.subarray(60, 200)), ...reader.push(Buffer.concat([big.subarray(200), next]))];
  t.is(events.length, 2);
  t.deepEqual(events[0], { kind: 'oversize', header: { length: 250, streamId: 7, type: 1, flags: 0 } });
  const last = events[1];
  t.is(last?.kind === 'frame' ? last.frame.payload.toString() : undefined, 'ok');
});

test('incomplete() describes a truncated frame', (t) => {
  const reader = new FrameReader();
  reader.push(encodeFrame(3, 1, Buffer.alloc(10)).subarray(0, 14));
  t.is(reader.incomplete(), 'truncated frame on stream 3: 4 of 10 payload bytes');
  const short = new FrameReader();
  short.push(Buffer.from([0, 0]));
  t.is(short.incomplete(), 'truncated frame: 2 of 10 header bytes');
});
