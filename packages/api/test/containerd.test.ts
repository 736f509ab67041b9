// Generated stubs and the gRPC client helpers against the real containerd 1.6.20, started by
// each test on a private root, state and socket (CRI disabled). Needs root.
import test from 'ava';
import { createHash } from 'node:crypto';
import { isAlreadyExists, isFailedPrecondition, isNotFound } from '@proj/errdefs';
import { rootTest, useContainerd } from '@proj/testkit';
import {
  connectGrpc,
  contentV1,
  fromTimestamp,
  introspectionV1,
  leasesV1,
  namespacesV1,
  versionV1,
  type GrpcConnection,
} from '@proj/api';

const rtest = rootTest(test);

async function connect(t: import('ava').ExecutionContext, namespace = 'proj-api-test'): Promise<GrpcConnection> {
  const daemon = await useContainerd(t);
  const connection = connectGrpc(daemon.address, { namespace });
  t.teardown(() => connection.close());
  await connection.waitForReady(10_000);
  return connection;
}

rtest('Version and Introspection answer through the generated stubs', async (t) => {
  const connection = await connect(t);
  const version = await connection.client(versionV1.Version).version();
  t.regex(version.version, /^1\.6\.20/);
  t.not(version.revision, '');

  const introspection = connection.client(introspectionV1.Introspection);
  const server = await introspection.server();
  t.regex(server.uuid, /^[0-9a-f-]{36}$/);

  const { plugins } = await introspection.plugins({});
  const ids = plugins.map((p) => `${p.type}/${p.id}`);
  t.true(ids.includes('io.containerd.grpc.v1/version'));
  t.true(ids.includes('io.containerd.snapshotter.v1/overlayfs'));
  t.false(ids.includes('io.containerd.grpc.v1/cri'), 'CRI is disabled');
  const overlay = plugins.find((p) => p.id === 'overlayfs');
  t.is(overlay?.platforms[0]?.os, 'linux');
  t.is(overlay?.exports.root?.endsWith('/io.containerd.snapshotter.v1.overlayfs'), true);
  // Plugins that skipped themselves (aufs, zfs, devmapper...) report google.rpc.Status init_err.
  t.true(plugins.some((p) => p.initErr !== undefined && p.initErr.code === 2 && p.initErr.message !== ''));

  const snapshotters = await introspection.plugins({ filters: ['type==io.containerd.snapshotter.v1'] });
  t.true(snapshotters.plugins.length > 0);
  t.true(snapshotters.plugins.every((p) => p.type === 'io.containerd.snapshotter.v1'));
});

rtest('Namespaces create, list, get, update and delete', async (t) => {
  const namespaces = (await connect(t)).client(namespacesV1.Namespaces);
  const created = await namespaces.create({ namespace: { name: 'ns-a', labels: { team: 'api' } } });
  t.is(created.namespace?.name, 'ns-a');
  await namespaces.create({ namespace: { name: 'ns-b' } });

  const { namespaces: listed } = await namespaces.list({});
  const names = listed.map((n) => n.name).sort();
  t.deepEqual(names, ['ns-a', 'ns-b']);
  t.deepEqual(listed.find((n) => n.name === 'ns-a')?.labels, { team: 'api' });

  await namespaces.update({
    namespace: { name: 'ns-a', labels: { extra: 'yes' } },
    updateMask: { paths: ['labels.extra'] },
  });
  const got = await namespaces.get({ name: 'ns-a' });
  t.deepEqual(got.namespace?.labels, { team: 'api', extra: 'yes' });

  await namespaces.delete({ name: 'ns-a' });
  await namespaces.delete({ name: 'ns-b' });
  t.deepEqual((await namespaces.list({})).namespaces, []);
});

rtest('errors from containerd come back as errdefs classes with the daemon\'s message', async (t) => {
  const connection = await connect(t);
  const namespaces = connection.client(namespacesV1.Namespaces);
  // Note: 1.6's Namespaces Get of a missing namespace answers an empty namespace, not NotFound;
  // Delete does answer NotFound.
  const missing = await t.throwsAsync(namespaces.delete({ name: 'no-such-ns' }));
  t.true(isNotFound(missing), String(missing));
  t.is(missing?.message, 'namespace "no-such-ns"');
  t.is((await namespaces.get({ name: 'no-such-ns' })).namespace?.name, 'no-such-ns');

  await namespaces.create({ namespace: { name: 'twice' } });
  const again = await t.throwsAsync(namespaces.create({ namespace: { name: 'twice' } }));
  t.true(isAlreadyExists(again), String(again));
  t.is(again?.message, 'namespace "twice"');

  // A namespaced call without a namespace: containerd's FailedPrecondition.
  const bare = connectGrpc(connection.target);
  t.teardown(() => bare.close());
  const noNamespace = await t.throwsAsync(async () => {
    for await (const _ of bare.client(contentV1.Content).list({})) {
      // nothing
    }
  });
  t.true(isFailedPrecondition(noNamespace), String(noNamespace));
  t.is(noNamespace?.message, 'namespace is required');
});

rtest('Content List streams what a Write committed under a lease', async (t) => {
  const connection = await connect(t);
  const content = connection.client(contentV1.Content);
  const leases = connection.client(leasesV1.Leases);

  const listAll = async () => {
    const infos: contentV1.Info[] = [];
    for await (const batch of content.list({})) infos.push(...batch.info);
    return infos;
  };
  t.deepEqual(await listAll(), []);

  const data = new TextEncoder().encode('hello from @proj/api\n');
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const { lease } = await leases.create({ id: 'proj-api-lease' });
  t.is(lease?.id, 'proj-api-lease');
  t.truthy(fromTimestamp(lease?.createdAt));

  const write = content.write({ lease: 'proj-api-lease' });
  await write.send({ action: contentV1.WriteAction.STAT, ref: 'proj-api-ref', total: BigInt(data.length) });
  const stat = await write.recv();
  t.is(stat?.digest, 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  await write.send({ action: contentV1.WriteAction.WRITE, data });
  t.is((await write.recv())?.offset, BigInt(data.length));
  // COMMIT at the current offset (offset 0 would restart the ingest, wire doc §9).
  await write.send({
    action: contentV1.WriteAction.COMMIT,
    total: BigInt(data.length),
    offset: BigInt(data.length),
    expected: digest,
    labels: { k: 'v' },
  });
  const committed = await write.recv();
  t.is(committed?.action, contentV1.WriteAction.COMMIT);
  t.is(committed?.digest, digest);
  write.end();
  while ((await write.recv()) !== undefined) {
    // containerd repeats the last response once after a commit (wire doc §9)
  }

  const infos = await listAll();
  t.is(infos.length, 1);
  t.is(infos[0]?.digest, digest);
  t.is(infos[0]?.size, BigInt(data.length));
  t.deepEqual(infos[0]?.labels, { k: 'v' });

  const { resources } = await leases.listResources({ id: 'proj-api-lease' });
  t.deepEqual(
    resources.map((r) => ({ id: r.id, type: r.type })),
    [{ id: digest, type: 'content' }],
  );

  const chunks: Uint8Array[] = [];
  for await (const chunk of content.read({ digest })) chunks.push(chunk.data);
  t.is(Buffer.concat(chunks).toString(), 'hello from @proj/api\n');

  const missing = await t.throwsAsync(content.info({ digest: `sha256:${'0'.repeat(64)}` }));
  t.true(isNotFound(missing), String(missing));
  t.is(missing?.message, `content digest sha256:${'0'.repeat(64)}`);
});
