import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import test from 'ava';
import { type DescMessage, type MessageShape, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { EmptySchema } from '@bufbuild/protobuf/wkt';
import { events, shimTaskV2, ttrpcEventsV1 } from '@proj/api';
import { isNotFound } from '@proj/errdefs';
import { rootTest, tempRoot } from '@proj/testkit';
import { TtrpcClient, TtrpcServer, defineMethod, type Serializer } from '@proj/ttrpc';
import { alive, createBundle, deleteShim, removeShimState, shimSocketPath, startShim } from './helpers/shim.js';

const rtest = rootTest(test);

function serializer<Desc extends DescMessage>(schema: Desc): Serializer<MessageShape<Desc>> {
  return { encode: (value) => toBinary(schema, value), decode: (bytes) => fromBinary(schema, bytes) };
}

const taskService = 'containerd.task.v2.Task';
const task = {
  connect: defineMethod(taskService, 'Connect', serializer(shimTaskV2.ConnectRequestSchema), serializer(shimTaskV2.ConnectResponseSchema)),
  create: defineMethod(taskService, 'Create', serializer(shimTaskV2.CreateTaskRequestSchema), serializer(shimTaskV2.CreateTaskResponseSchema)),
  start: defineMethod(taskService, 'Start', serializer(shimTaskV2.StartRequestSchema), serializer(shimTaskV2.StartResponseSchema)),
  wait: defineMethod(taskService, 'Wait', serializer(shimTaskV2.WaitRequestSchema), serializer(shimTaskV2.WaitResponseSchema)),
  state: defineMethod(taskService, 'State', serializer(shimTaskV2.StateRequestSchema), serializer(shimTaskV2.StateResponseSchema)),
  delete: defineMethod(taskService, 'Delete', serializer(shimTaskV2.DeleteRequestSchema), serializer(shimTaskV2.DeleteResponseSchema)),
  shutdown: defineMethod(taskService, 'Shutdown', serializer(shimTaskV2.ShutdownRequestSchema), serializer(EmptySchema)),
};
const forward = defineMethod(
  'containerd.services.events.ttrpc.v1.Events',
  'Forward',
  serializer(ttrpcEventsV1.ForwardRequestSchema),
  serializer(EmptySchema),
);

interface Received {
  topic: string;
  namespace: string;
  typeUrl: string;
  value: Uint8Array;
  metadataNamespace: string | undefined;
}

rtest.serial('real containerd-shim-runc-v2: start, Connect, Create/Start/Wait/Delete, Shutdown; events via Forward', async (t) => {
  const root = await tempRoot(t, 'proj-ttrpc-shim-');
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const namespace = `proj-ttrpc-${suffix}`;
  const id = `c-${suffix}`;

  // The daemon side: our ttrpc server receives the shim's events.
  const received: Received[] = [];
  const eventsServer = new TtrpcServer();
  eventsServer.handle(forward, (request, context) => {
    const envelope = request.envelope!;
    received.push({
      topic: envelope.topic,
      namespace: envelope.namespace,
      typeUrl: envelope.event?.typeUrl ?? '',
      value: envelope.event?.value ?? new Uint8Array(),
      metadataNamespace: context.metadata['containerd-namespace-ttrpc']?.[0],
    });
    return create(EmptySchema);
  });
  const eventsSocket = join(root, 'containerd.sock.ttrpc');
  await eventsServer.listen(eventsSocket);

  const bundle = await createBundle(root, namespace, id, ['/bin/busybox', 'sh', '-c', 'echo hello; exit 3']);
  let shimPid: number | undefined;
  let client: TtrpcClient | undefined;
  let deleted = false;
  t.teardown(async () => {
    client?.close();
    // If the test failed before Connect told us the shim's pid, ask the shim on its socket.
    if (!shimPid && existsSync(shimSocketPath(bundle))) {
      const probe = await TtrpcClient.connect(shimSocketPath(bundle), { timeoutMs: 2000 }).catch(() => undefined);
      shimPid = (await probe?.invoke(task.connect, create(shimTaskV2.ConnectRequestSchema, { id }), { timeoutMs: 2000 }).catch(() => undefined))?.shimPid;
      probe?.close();
    }
    if (shimPid && alive(shimPid)) process.kill(shimPid, 'SIGKILL');
    if (!deleted && existsSync(join(bundle.bundle, 'runtime'))) await deleteShim(bundle).catch(() => {});
    await removeShimState(bundle);
    bundle.closeLog();
    await eventsServer.close();
  });

  try {
    const address = await startShim(bundle, eventsSocket);
    t.is(address, `unix://${shimSocketPath(bundle)}`);
    client = await TtrpcClient.connect(address);

    const connected = await client.invoke(task.connect, create(shimTaskV2.ConnectRequestSchema, { id }), { timeoutMs: 5000 });
    shimPid = connected.shimPid;
    t.true(connected.shimPid > 0 && alive(connected.shimPid));

    // An error status from the real shim comes back as the errdefs class.
    const missing = await t.throwsAsync(client.invoke(task.state, create(shimTaskV2.StateRequestSchema, { id }), { timeoutMs: 5000 }));
    t.true(isNotFound(missing), missing?.message);

    const created = await client.invoke(
      task.create,
      create(shimTaskV2.CreateTaskRequestSchema, { id, bundle: bundle.bundle }),
      { timeoutMs: 30_000 },
    );
    t.true(created.pid > 0);
    const waiting = client.invoke(task.wait, create(shimTaskV2.WaitRequestSchema, { id }), { timeoutMs: 30_000 });
    const started = await client.invoke(task.start, create(shimTaskV2.StartRequestSchema, { id }), { timeoutMs: 30_000 });
    t.is(started.pid, created.pid);
    const exited = await waiting;
    t.is(exited.exitStatus, 3);
    const removed = await client.invoke(task.delete, create(shimTaskV2.DeleteRequestSchema, { id }), { timeoutMs: 30_000 });
    deleted = true;
    t.is(removed.exitStatus, 3);
    t.is(removed.pid, created.pid);

    // The shim forwards /tasks/create, /tasks/start, /tasks/exit and /tasks/delete to our server.
    const expected = ['/tasks/create', '/tasks/start', '/tasks/exit', '/tasks/delete'];
    for (let waited = 0; waited < 20_000 && !expected.every((topic) => received.some((event) => event.topic === topic)); waited += 50) {
      await delay(50);
    }
    t.deepEqual(
      expected.filter((topic) => received.some((event) => event.topic === topic)),
      expected,
    );
    for (const event of received) {
      t.is(event.namespace, namespace);
      t.is(event.metadataNamespace, namespace);
    }
    const createEvent = received.find((event) => event.topic === '/tasks/create')!;
    t.is(createEvent.typeUrl, 'containerd.events.TaskCreate');
    const taskCreate = fromBinary(events.TaskCreateSchema, createEvent.value);
    t.is(taskCreate.containerId, id);
    t.is(taskCreate.pid, created.pid);
    const exitEvent = fromBinary(events.TaskExitSchema, received.find((event) => event.topic === '/tasks/exit')!.value);
    t.is(exitEvent.exitStatus, 3);

    // Shutdown: the shim answers and exits, closing the connection.
    await client.invoke(task.shutdown, create(shimTaskV2.ShutdownRequestSchema, { id }), { timeoutMs: 10_000 }).catch((error: Error) => {
      // The shim may exit before its answer is flushed; that is a closed connection, nothing else.
      t.regex(error.message, /closed/);
    });
    const closed = await Promise.race([client.whenClosed(), delay(10_000).then(() => undefined)]);
    t.truthy(closed, 'the shim closed the connection after Shutdown');
    for (let waited = 0; waited < 10_000 && alive(shimPid); waited += 50) await delay(50);
    t.false(alive(shimPid), 'the shim exited after Shutdown');
    t.false(existsSync(shimSocketPath(bundle)), 'the shim removed its socket');
  } catch (error) {
    t.log(`shim log:\n${bundle.log()}`);
    throw error;
  }
});
