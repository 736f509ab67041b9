import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import test from 'ava';
import {
  NotFoundError,
  isCanceled,
  isDeadlineExceeded,
  isInvalidArgument,
  isNotFound,
  isNotImplemented,
  isResourceExhausted,
  isUnavailable,
  isUnknown,
} from '@proj/errdefs';
import { TtrpcClient, TtrpcServer, defineMethod, maxMessageLength, type CallContext } from '@proj/ttrpc';
import { pair, socketPath, text, untext, utf8 } from './helpers/setup.js';

const echo = defineMethod('test.v1.Echo', 'Echo', utf8, utf8);

test('a unary call round-trips bytes', async (t) => {
  const { client } = await pair(t, (server) => server.register('test.v1.Echo', 'Echo', (payload) => payload));
  const reply = await client.call('test.v1.Echo', 'Echo', text.encode('hello'));
  t.is(untext.decode(reply), 'hello');
});

test('typed methods encode and decode with the given serializers', async (t) => {
  const { client } = await pair(t, (server) => server.handle(echo, (request) => request.toUpperCase()));
  t.is(await client.invoke(echo, 'shout'), 'SHOUT');
});

test('empty payloads both ways', async (t) => {
  const { client } = await pair(t, (server) => server.register('s', 'm', () => new Uint8Array()));
  t.is((await client.call('s', 'm', new Uint8Array())).length, 0);
});

test('concurrent calls share one connection and resolve out of order', async (t) => {
  const waiting = new Map<string, (value: string) => void>();
  let arrived!: () => void;
  const allArrived = new Promise<void>((resolve) => (arrived = resolve));
  const { client } = await pair(t, (server) =>
    server.handle(echo, (request) => {
      const reply = new Promise<string>((resolve) => waiting.set(request, resolve));
      if (waiting.size === 4) arrived();
      return reply;
    }),
  );
  const finished: string[] = [];
  const calls = ['a', 'b', 'c', 'd'].map((name) => client.invoke(echo, name).then((reply) => (finished.push(reply), reply)));
  await allArrived;
  t.is(client.pendingCalls, 4);
  for (const name of ['c', 'a', 'd', 'b']) {
    waiting.get(name)!(name);
    await delay(5);
  }
  t.deepEqual(await Promise.all(calls), ['a', 'b', 'c', 'd']);
  t.deepEqual(finished, ['c', 'a', 'd', 'b']);
});

test('stream ids are odd and grow by two', async (t) => {
  const ids: number[] = [];
  const { client } = await pair(t, (server) =>
    server.register('s', 'm', (payload, context) => {
      ids.push(context.streamId);
      return payload;
    }),
  );
  for (let i = 0; i < 4; i++) await client.call('s', 'm', new Uint8Array());
  t.deepEqual(ids, [1, 3, 5, 7]);
});

test('metadata reaches the handler with lower-case keys; timeout_nano becomes a deadline', async (t) => {
  let seen: CallContext | undefined;
  const { client } = await pair(t, (server) =>
    server.register('s', 'm', (payload, context) => {
      seen = context;
      return payload;
    }),
  );
  const before = Date.now();
  await client.call('s', 'm', new Uint8Array(), {
    metadata: { 'Containerd-Namespace-TTRPC': 'ns1', multi: ['a', 'b'] },
    timeoutMs: 5000,
  });
  t.deepEqual({ ...seen!.metadata }, { 'containerd-namespace-ttrpc': ['ns1'], multi: ['a', 'b'] });
  t.true(seen!.deadline! >= before + 4900 && seen!.deadline! <= Date.now() + 5000);
  await client.call('s', 'm', new Uint8Array());
  t.is(seen!.deadline, undefined);
  t.deepEqual({ ...seen!.metadata }, {});
});

test('errdefs errors thrown by a handler arrive as the same class', async (t) => {
  const { client } = await pair(t, (server) =>
    server.register('s', 'm', () => {
      throw new NotFoundError('process does not exist bogus');
    }),
  );
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isNotFound(error));
  t.is(error?.message, 'process does not exist bogus');
});

test('a plain error from a handler becomes Unknown with its message', async (t) => {
  const { client } = await pair(t, (server) =>
    server.register('s', 'm', async () => {
      throw new Error('boom');
    }),
  );
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array()));
  t.true(isUnknown(error));
  t.is(error?.message, 'boom');
});

test('unknown service and unknown method are NotImplemented (gRPC Unimplemented)', async (t) => {
  const { client } = await pair(t, (server) => server.register('known', 'm', (payload) => payload));
  const noService = await t.throwsAsync(client.call('nope.v1.Svc', 'm', new Uint8Array()));
  t.true(isNotImplemented(noService));
  t.is(noService?.message, 'service nope.v1.Svc');
  const noMethod = await t.throwsAsync(client.call('known', 'Missing', new Uint8Array()));
  t.true(isNotImplemented(noMethod));
  t.is(noMethod?.message, 'method Missing');
  t.is(untext.decode(await client.call('known', 'm', text.encode('still fine'))), 'still fine');
});

test('a typed handler that cannot decode its request answers InvalidArgument', async (t) => {
  const failing = { encode: utf8.encode, decode: (): string => { throw new Error('bad request bytes'); } };
  const { client } = await pair(t, (server) => server.handle(defineMethod('s', 'm', failing, utf8), () => 'x'));
  const error = await t.throwsAsync(client.invoke(defineMethod('s', 'm', utf8, utf8), 'x'));
  t.true(isInvalidArgument(error));
  t.regex(error!.message, /\/s\/m: cannot decode the request \(bad request bytes\)/);
});

test('per-call timeout rejects with DeadlineExceeded; the handler sees its signal abort', async (t) => {
  let handlerSignal: AbortSignal | undefined;
  const { client } = await pair(t, (server) =>
    server.register('s', 'slow', async (payload, context) => {
      handlerSignal = context.signal;
      await delay(2000, undefined, { signal: context.signal }).catch(() => {});
      return payload;
    }),
  );
  const started = Date.now();
  const error = await t.throwsAsync(client.call('s', 'slow', new Uint8Array(), { timeoutMs: 100 }));
  t.true(isDeadlineExceeded(error));
  t.regex(error!.message, /\/s\/slow: no response within 100 ms/);
  t.true(Date.now() - started < 1500);
  if (!handlerSignal!.aborted) await once(handlerSignal!, 'abort');
  t.is((handlerSignal!.reason as Error).name, 'TimeoutError');
  t.is(client.pendingCalls, 0);
});

test('AbortSignal cancels a call with Canceled; a late response is dropped', async (t) => {
  const { client } = await pair(t, (server) =>
    server.register('s', 'slow', async (payload) => {
      await delay(100);
      return payload;
    }),
  );
  const controller = new AbortController();
  const call = client.call('s', 'slow', new Uint8Array(), { signal: controller.signal });
  setTimeout(() => controller.abort(), 10);
  const error = await t.throwsAsync(call);
  t.true(isCanceled(error));
  await delay(150); // the response arrives for a stream nobody waits on
  t.is((await client.call('s', 'slow', text.encode('next'))).length, 4);
  const already = await t.throwsAsync(client.call('s', 'slow', new Uint8Array(), { signal: AbortSignal.abort() }));
  t.true(isCanceled(already));
  const timeoutSignal = await t.throwsAsync(client.call('s', 'slow', new Uint8Array(), { signal: AbortSignal.timeout(10) }));
  t.true(isDeadlineExceeded(timeoutSignal));
});

test('oversized request fails that call with ResourceExhausted and the connection keeps working', async (t) => {
  const { client } = await pair(t, (server) => server.register('s', 'm', (payload) => payload.subarray(0, 3)));
  const error = await t.throwsAsync(client.call('s', 'm', new Uint8Array(maxMessageLength)));
  t.true(isResourceExhausted(error));
  t.regex(error!.message, /exceeds the ttrpc message limit of 4194304 bytes/);
  const almost = await client.call('s', 'm', new Uint8Array(maxMessageLength - 100));
  t.is(almost.length, 3);
});

test('oversized response fails that call with ResourceExhausted', async (t) => {
  const { client } = await pair(t, (server) => {
    server.register('s', 'big', () => new Uint8Array(maxMessageLength + 1));
    server.register('s', 'small', () => text.encode('ok'));
  });
  const error = await t.throwsAsync(client.call('s', 'big', new Uint8Array()));
  t.true(isResourceExhausted(error));
  t.is(untext.decode(await client.call('s', 'small', new Uint8Array())), 'ok');
});

test('a response over the client limit is discarded and fails only that stream', async (t) => {
  const { client } = await pair(
    t,
    (server) => server.register('s', 'm', (payload) => new Uint8Array(Number(untext.decode(payload)))),
    { client: { maxMessageLength: 1000 } },
  );
  const [big, small] = await Promise.allSettled([client.call('s', 'm', text.encode('5000')), client.call('s', 'm', text.encode('10'))]);
  t.is(big.status, 'rejected');
  t.true(isResourceExhausted((big as PromiseRejectedResult).reason));
  t.is(small.status === 'fulfilled' && small.value.length, 10);
});

test('server going away rejects every pending call with Unavailable, and later calls too', async (t) => {
  const { client, server } = await pair(t, (s) => s.register('s', 'hang', () => new Promise<Uint8Array>(() => {})));
  const calls = [1, 2, 3].map(() => client.call('s', 'hang', new Uint8Array()));
  await delay(20);
  await server.close();
  for (const call of calls) {
    const error = await t.throwsAsync(call);
    t.true(isUnavailable(error), error?.message);
    t.regex(error!.message, /\/s\/hang: ttrpc connection to .* closed/);
  }
  t.true(client.closed);
  t.true(isUnavailable(await t.throwsAsync(client.call('s', 'hang', new Uint8Array()))));
  t.true(isUnavailable(await client.whenClosed()));
});

test('client.close() rejects pending calls with Unavailable', async (t) => {
  const { client } = await pair(t, (s) => s.register('s', 'hang', () => new Promise<Uint8Array>(() => {})));
  const call = client.call('s', 'hang', new Uint8Array());
  client.close();
  const error = await t.throwsAsync(call);
  t.true(isUnavailable(error));
  t.regex(error!.message, /closed by the client/);
});

test('connecting to a missing socket is Unavailable and names the path', async (t) => {
  const path = await socketPath(t, 'missing.sock');
  const error = await t.throwsAsync(TtrpcClient.connect(`unix://${path}`));
  t.true(isUnavailable(error));
  t.true(error!.message.includes(path));
});

test('shutdown() waits for in-flight calls before closing connections', async (t) => {
  const path = await socketPath(t);
  let arrived!: () => void;
  const handling = new Promise<void>((resolve) => (arrived = resolve));
  const server = new TtrpcServer().register('s', 'm', async (payload) => {
    arrived();
    await delay(100);
    return payload;
  });
  await server.listen(path);
  const client = await TtrpcClient.connect(path);
  t.teardown(() => client.close());
  const call = client.call('s', 'm', text.encode('done'));
  await handling;
  await server.shutdown();
  t.is(untext.decode(await call), 'done');
  t.true(isUnavailable(await client.whenClosed()));
});

test('listen() replaces a stale socket file but refuses other files', async (t) => {
  const path = await socketPath(t);
  const first = new TtrpcServer();
  await first.listen(path);
  await first.close();
  const second = new TtrpcServer().register('s', 'm', (payload) => payload);
  await second.listen(path); // stale socket left behind by close()? replaced either way
  t.teardown(() => second.close());
  const client = await TtrpcClient.connect(path);
  t.teardown(() => client.close());
  t.is((await client.call('s', 'm', text.encode('x'))).length, 1);
  const { writeFile } = await import('node:fs/promises');
  const regular = `${path}.file`;
  await writeFile(regular, '');
  t.true(isUnavailable(await t.throwsAsync(new TtrpcServer().listen(regular))));
});
