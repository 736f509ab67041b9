import { once } from 'node:events';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import test, { type ExecutionContext } from 'ava';
import { GrpcCode, isInvalidArgument, isResourceExhausted, isUnavailable } from '@proj/errdefs';
import {
  FrameReader,
  MessageType,
  TtrpcClient,
  TtrpcServer,
  decodeResponse,
  encodeFrame,
  encodeRequest,
  encodeResponse,
  maxMessageLength,
  type Frame,
} from '@proj/ttrpc';
import { socketPath, text, untext } from './helpers/setup.js';

// --- a real server, a raw client writing whatever bytes it likes ---------------------------

async function echoServer(t: ExecutionContext) {
  const path = await socketPath(t);
  const errors: Error[] = [];
  const server = new TtrpcServer({ onError: (error) => errors.push(error) });
  server.register('s', 'echo', (payload) => payload);
  await server.listen(path);
  t.teardown(() => server.close());
  return { path, errors, server };
}

/** A raw connection that collects the frames the server sends back. */
async function rawClient(t: ExecutionContext, path: string) {
  const socket = connect(path);
  socket.on('error', () => {});
  await once(socket, 'connect');
  t.teardown(() => socket.destroy());
  const reader = new FrameReader();
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    for (const event of reader.push(chunk)) if (event.kind === 'frame') frames.push(event.frame);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async (): Promise<Frame> => {
    while (frames.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    return frames.shift()!;
  };
  return { socket, next };
}

const request = (payload: string) => encodeRequest({ service: 's', method: 'echo', payload: text.encode(payload), timeoutNano: 0, metadata: [] });

test('server: a frame over 4 MiB is discarded and answered with ResourceExhausted on its stream', async (t) => {
  const { path } = await echoServer(t);
  const { socket, next } = await rawClient(t, path);
  const header = Buffer.alloc(10);
  header.writeUInt32BE(maxMessageLength + 1, 0);
  header.writeUInt32BE(5, 4);
  header[8] = MessageType.Request;
  socket.write(header);
  socket.write(Buffer.alloc(maxMessageLength + 1, 0x41));
  socket.write(encodeFrame(7, MessageType.Request, request('after')));
  const refused = await next();
  t.is(refused.streamId, 5);
  t.is(decodeResponse(refused.payload).status?.code, GrpcCode.ResourceExhausted);
  t.regex(decodeResponse(refused.payload).status!.message, /message length 4194305 exceed maximum message size of 4194304/);
  const answered = await next();
  t.is(answered.streamId, 7);
  t.is(untext.decode(decodeResponse(answered.payload).payload), 'after');
});

test('server: an undecodable request gets InvalidArgument on its stream', async (t) => {
  const { path } = await echoServer(t);
  const { socket, next } = await rawClient(t, path);
  socket.write(encodeFrame(9, MessageType.Request, Buffer.from([0x0a, 0x7f, 0x01])));
  const frame = await next();
  t.is(frame.streamId, 9);
  t.is(frame.type, MessageType.Response);
  const status = decodeResponse(frame.payload).status!;
  t.is(status.code, GrpcCode.InvalidArgument);
  t.regex(status.message, /unmarshal request error: malformed ttrpc request/);
});

test('server: an even stream id is refused with InvalidArgument', async (t) => {
  const { path } = await echoServer(t);
  const { socket, next } = await rawClient(t, path);
  socket.write(encodeFrame(2, MessageType.Request, request('x')));
  const frame = await next();
  t.is(frame.streamId, 2);
  t.deepEqual(decodeResponse(frame.payload).status, {
    code: GrpcCode.InvalidArgument,
    message: 'StreamID must be odd for client initiated streams',
  });
});

test('server: frames of other types (responses, ttrpc 1.2 data) are ignored', async (t) => {
  const { path } = await echoServer(t);
  const { socket, next } = await rawClient(t, path);
  socket.write(encodeFrame(1, MessageType.Response, encodeResponse({ payload: new Uint8Array([1]) })));
  socket.write(encodeFrame(3, MessageType.Data, Buffer.from('data')));
  socket.write(encodeFrame(5, MessageType.Request, request('real'), 0x1));
  const frame = await next();
  t.is(frame.streamId, 5);
  t.is(untext.decode(decodeResponse(frame.payload).payload), 'real');
});

test('server: garbage bytes and a truncated frame end only that connection, reported via onError', async (t) => {
  const { path, errors, server } = await echoServer(t);
  const garbage = await rawClient(t, path);
  garbage.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  garbage.socket.end();
  const truncated = await rawClient(t, path);
  truncated.socket.write(encodeFrame(1, MessageType.Request, request('cut short')).subarray(0, 15));
  truncated.socket.end();
  await Promise.all([once(garbage.socket, 'close'), once(truncated.socket, 'close')]);
  // The server sees its side close a moment after the client does: wait for both reports.
  for (let waited = 0; waited < 5000 && (errors.length < 2 || server.connectionCount > 0); waited += 10) await delay(10);
  t.true(errors.some((error) => /hung up mid-frame: truncated frame on stream 1: 5 of \d+ payload bytes/.test(error.message)));
  t.true(errors.some((error) => /oversized frame was cut short/.test(error.message)));
  const client = await TtrpcClient.connect(path);
  t.teardown(() => client.close());
  t.is(untext.decode(await client.call('s', 'echo', text.encode('alive'))), 'alive');
  t.is(server.connectionCount, 1);
});

// --- a raw server answering whatever bytes it likes, a real client -----------------------

async function fakeServer(t: ExecutionContext, onRequest: (socket: Socket, frame: Frame) => void) {
  const path = await socketPath(t);
  const server: Server = createServer((socket) => {
    socket.on('error', () => {});
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      for (const event of reader.push(chunk)) if (event.kind === 'frame') onRequest(socket, event.frame);
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const client = await TtrpcClient.connect(path);
  t.teardown(async () => {
    client.close();
    server.close();
  });
  return client;
}

test('client: a truncated response frame then hang-up rejects with Unavailable naming the truncation', async (t) => {
  const client = await fakeServer(t, (socket, frame) => {
    socket.end(encodeFrame(frame.streamId, MessageType.Response, encodeResponse({ payload: new Uint8Array(50) })).subarray(0, 20));
  });
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isUnavailable(error));
  t.regex(error!.message, /closed \(truncated frame on stream 1: 10 of 52 payload bytes\)/);
});

test('client: an undecodable response fails that call with InvalidArgument, the connection stays', async (t) => {
  let count = 0;
  const client = await fakeServer(t, (socket, frame) => {
    const body = count++ === 0 ? Buffer.from([0x12, 0x40, 0x00]) : encodeResponse({ payload: text.encode('fine') });
    socket.write(encodeFrame(frame.streamId, MessageType.Response, body));
  });
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isInvalidArgument(error));
  t.regex(error!.message, /\/s\/m: the server's response is not a valid ttrpc Response/);
  t.is(untext.decode(await client.call('s', 'm', new Uint8Array())), 'fine');
});

test('client: a response header announcing more than 4 MiB fails that call with ResourceExhausted', async (t) => {
  const client = await fakeServer(t, (socket, frame) => {
    const header = Buffer.alloc(10);
    header.writeUInt32BE(maxMessageLength + 10, 0);
    header.writeUInt32BE(frame.streamId, 4);
    header[8] = MessageType.Response;
    socket.write(header);
    socket.write(Buffer.alloc(maxMessageLength + 10));
  });
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isResourceExhausted(error));
  t.regex(error!.message, /\/s\/m: response of 4194314 bytes exceeds the ttrpc message limit/);
});

test('client: garbage from the server then hang-up rejects pending calls with Unavailable', async (t) => {
  const client = await fakeServer(t, (socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isUnavailable(error));
  t.regex(error!.message, /ttrpc connection to .* closed \(an oversized frame was cut short/);
});

test('client: a request frame from the server fails the call it names', async (t) => {
  const client = await fakeServer(t, (socket, frame) => socket.write(encodeFrame(frame.streamId, MessageType.Request, new Uint8Array())));
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isInvalidArgument(error));
  t.regex(error!.message, /frame of type 1, expected a response/);
});

test('server: odd timeout_nano values (fractional ms, expired, huge) never break the server', async (t) => {
  const path = await socketPath(t);
  const signals: AbortSignal[] = [];
  const server = new TtrpcServer().register('s', 'm', (payload, context) => {
    signals.push(context.signal);
    return payload;
  });
  await server.listen(path);
  t.teardown(() => server.close());
  const { socket, next } = await rawClient(t, path);
  const timeouts = [4_999_984_437, -5, 1, 2 ** 62];
  timeouts.forEach((timeoutNano, index) => {
    const body = encodeRequest({ service: 's', method: 'm', payload: text.encode(`${index}`), timeoutNano, metadata: [] });
    socket.write(encodeFrame(index * 2 + 1, MessageType.Request, body));
  });
  const answers = await Promise.all(timeouts.map(() => next()));
  t.deepEqual(answers.map((frame) => untext.decode(decodeResponse(frame.payload).payload)).sort(), ['0', '1', '2', '3']);
  t.is(signals.length, 4);
});
