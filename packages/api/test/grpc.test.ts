// Our gRPC client against our gRPC server on a unix socket: namespaces travel as metadata,
// errdefs errors thrown by handlers come back as the same class with the handler's message,
// and every method kind works.
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeadlineExceeded, isUnavailable, isCanceled, isNotFound, isNotImplemented, isUnknown, NotFoundError, AlreadyExistsError, isAlreadyExists } from '@proj/errdefs';
import {
  addGrpcService,
  closeGrpcClient,
  createGrpcClient,
  connectGrpc,
  contentV1,
  createGrpcServer,
  listenGrpc,
  namespacesV1,
  shutdownGrpc,
  versionV1,
  type GrpcConnection,
} from '@proj/api';

const sockets = new WeakMap<GrpcConnection, string>();

async function serve(t: import('ava').ExecutionContext): Promise<GrpcConnection> {
  const dir = await mkdtemp(join(tmpdir(), 'proj-api-grpc-'));
  const socket = join(dir, 'grpc.sock');
  const server = createGrpcServer();
  const seen: string[] = [];
  addGrpcService(server, versionV1.Version, {
    version: () => ({ version: '1.6.20-ts', revision: 'test' }),
  });
  addGrpcService(server, namespacesV1.Namespaces, {
    get(request, context) {
      seen.push(`${context.namespace}`);
      if (request.name === 'missing') throw new NotFoundError(`namespace "${request.name}"`);
      return { namespace: { name: request.name, labels: { caller: context.namespace ?? '' } } };
    },
    create(request) {
      throw new AlreadyExistsError(`namespace "${request.namespace?.name}"`);
    },
    list() {
      throw new Error('plain failure');
    },
  });
  addGrpcService(server, contentV1.Content, {
    async *list(request) {
      yield { info: [{ digest: 'sha256:aa', size: 1n }] };
      if (request.filters.includes('fail')) throw new NotFoundError('blob sha256:bb');
      yield { info: [{ digest: 'sha256:bb', size: 2n, labels: { f: request.filters.join(',') } }] };
    },
    async *write(requests) {
      let offset = 0n;
      for await (const request of requests) {
        if (request.ref === 'locked') throw new NotFoundError(`ref ${request.ref}`);
        offset += BigInt(request.data.length);
        yield { action: request.action, offset, total: request.total };
      }
    },
    info: async (request, context) => {
      if (request.digest === 'slow') await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      return { info: { digest: request.digest } };
    },
    read(_request, context) {
      return (async function* () {
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        yield { data: new Uint8Array() };
      })();
    },
  });
  await listenGrpc(server, socket);
  const connection = connectGrpc(socket, { namespace: 'testns' });
  const own = createGrpcClient(versionV1.Version, socket);
  sockets.set(connection, socket);
  t.teardown(async () => {
    closeGrpcClient(own);
    connection.close();
    await shutdownGrpc(server, 500);
    await rm(dir, { recursive: true, force: true });
  });
  return connection;
}

test('unary calls carry the namespace and return typed messages', async (t) => {
  const connection = await serve(t);
  const version = await connection.client(versionV1.Version).version();
  t.is(version.version, '1.6.20-ts');
  t.is(version.$typeName, 'containerd.services.version.v1.VersionResponse');
  const namespaces = connection.client(namespacesV1.Namespaces);
  const got = await namespaces.get({ name: 'a' });
  t.deepEqual(got.namespace?.labels, { caller: 'testns' });
  const other = await namespaces.get({ name: 'a' }, { namespace: 'other' });
  t.deepEqual(other.namespace?.labels, { caller: 'other' });
});

test('a thrown errdefs error comes back as the same class with the handler\'s message', async (t) => {
  const namespaces = (await serve(t)).client(namespacesV1.Namespaces);
  const missing = await t.throwsAsync(namespaces.get({ name: 'missing' }));
  t.true(isNotFound(missing));
  t.is(missing?.message, 'namespace "missing"');
  const exists = await t.throwsAsync(namespaces.create({ namespace: { name: 'a' } }));
  t.true(isAlreadyExists(exists));
  t.is(exists?.message, 'namespace "a"');
  const plain = await t.throwsAsync(namespaces.list({}));
  t.true(isUnknown(plain));
  t.is(plain?.message, 'plain failure');
  const unimplemented = await t.throwsAsync(namespaces.delete({ name: 'a' }));
  t.true(isNotImplemented(unimplemented));
});

test('server streaming yields every message', async (t) => {
  const content = (await serve(t)).client(contentV1.Content);
  const digests: string[] = [];
  for await (const batch of content.list({ filters: ['x', 'y'] })) digests.push(...batch.info.map((i) => i.digest));
  t.deepEqual(digests, ['sha256:aa', 'sha256:bb']);
});

test('bidi streaming works in lock-step, as Content Write does', async (t) => {
  const content = (await serve(t)).client(contentV1.Content);
  const call = content.write();
  await call.send({ action: contentV1.WriteAction.STAT, ref: 'tar-index.json', total: 6n });
  t.is((await call.recv())?.offset, 0n);
  await call.send({ action: contentV1.WriteAction.WRITE, data: new TextEncoder().encode('abc') });
  t.is((await call.recv())?.offset, 3n);
  await call.send({ action: contentV1.WriteAction.COMMIT, data: new TextEncoder().encode('def') });
  const last = await call.recv();
  t.is(last?.action, contentV1.WriteAction.COMMIT);
  t.is(last?.offset, 6n);
  call.end();
  t.is(await call.recv(), undefined);
});

test('a bidi call failing while nobody is in recv() does not crash; the next recv() and send() get the error', async (t) => {
  const content = (await serve(t)).client(contentV1.Content);
  const call = content.write();
  await call.send({ action: contentV1.WriteAction.STAT, ref: 'locked' });
  await delay(300); // the server's NotFound arrives while the caller is not reading
  const received = await t.throwsAsync(call.recv());
  t.true(isNotFound(received), String(received));
  t.is(received?.message, 'ref locked');
  const sent = await t.throwsAsync(call.send({ action: contentV1.WriteAction.WRITE }));
  t.true(isNotFound(sent), String(sent));
});

test('an AbortSignal cancels a call with a Canceled error', async (t) => {
  const content = (await serve(t)).client(contentV1.Content);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const err = await t.throwsAsync(async () => {
    for await (const _ of content.read({ digest: 'sha256:aa' }, { signal: controller.signal })) {
      // never reached: the server waits for the cancellation
    }
  });
  t.true(isCanceled(err));
  const already = await t.throwsAsync(content.info({ digest: 'x' }, { signal: AbortSignal.abort() }));
  t.true(isCanceled(already));
});

test('a socket nobody listens on fails with Unavailable', async (t) => {
  const connection = connectGrpc('/nonexistent/proj-api.sock');
  t.teardown(() => connection.close());
  const err = await t.throwsAsync(connection.client(versionV1.Version).version({}, { timeoutMs: 2000 }));
  // grpc-js keeps retrying the connection until the deadline, so either class is fair.
  t.true(isUnavailable(err) || isDeadlineExceeded(err), String(err));
});

test('createGrpcClient makes a client on its own connection', async (t) => {
  const connection = await serve(t);
  const version = createGrpcClient(versionV1.Version, `unix://${sockets.get(connection)}`);
  t.teardown(() => closeGrpcClient(version));
  t.is((await version.version()).revision, 'test');
});

test('a handler failing mid-stream ends the stream with its errdefs error', async (t) => {
  const content = (await serve(t)).client(contentV1.Content);
  const seen: string[] = [];
  const err = await t.throwsAsync(async () => {
    for await (const batch of content.list({ filters: ['fail'] })) seen.push(...batch.info.map((i) => i.digest));
  });
  t.deepEqual(seen, ['sha256:aa']);
  t.true(isNotFound(err));
  t.is(err?.message, 'blob sha256:bb');
});

test('timeoutMs ends a call with DeadlineExceeded', async (t) => {
  const content = (await serve(t)).client(contentV1.Content);
  t.is((await content.info({ digest: 'fast' }, { timeoutMs: 5000 })).info?.digest, 'fast');
  const err = await t.throwsAsync(content.info({ digest: 'slow' }, { timeoutMs: 100 }));
  t.true(isDeadlineExceeded(err), String(err));
});
