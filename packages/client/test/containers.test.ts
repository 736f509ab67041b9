import { Readable } from 'node:stream';
import test from 'ava';
import { isFailedPrecondition, isNotFound, NotFoundError } from '@proj/errdefs';
import {
  defaultUnixSpec,
  nullIO,
  withContainerLabels,
  withImage,
  withImageConfig,
  withImageStopSignal,
  withNewSnapshot,
  withNewSnapshotView,
  withNewSpec,
  withProcessArgs,
  withHostname,
  withRuntime,
  withSnapshotter,
  withSpec,
  withEnv,
  labels,
  withStreams,
  withUser,
  type NewContainerOpt,
} from '@proj/client';
import { busyboxImage, ociArchive, rootTest } from '@proj/testkit';
import { collector, session, suiteDaemon } from './helpers/daemon.js';

const rtest = rootTest(test);
const daemon = suiteDaemon(test);

rtest.serial('container lifecycle: create from an image, info, labels, spec, image, delete with snapshot cleanup', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const id = s.id();
  const container = await s.client.newContainer(id, [
    withImage(image),
    withSnapshotter('overlayfs'),
    withNewSnapshot(`${id}-snap`, image),
    withImageStopSignal(image),
    withContainerLabels({ app: 'demo', tier: 'web' }),
    withNewSpec(withImageConfig(image), withProcessArgs('echo', 'hi')),
  ]);
  t.is(container.id, id);

  const info = await container.info();
  t.is(info.image, image.name);
  t.is(info.snapshotter, 'overlayfs');
  t.is(info.snapshotKey, `${id}-snap`);
  t.is(info.runtime.name, 'io.containerd.runc.v2');
  t.truthy(info.createdAt);
  t.deepEqual(info.labels, { app: 'demo', tier: 'web', [labels.stopSignal]: 'SIGTERM' });
  t.is((await container.info({ refresh: false })).id, id);

  const spec = await container.spec();
  const expected = defaultUnixSpec(s.namespace, id);
  expected.process!.args = ['echo', 'hi'];
  expected.process!.env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  expected.process!.user = { uid: 0, gid: 0, additionalGids: [0] };
  t.deepEqual(spec, expected, 'the default Linux spec plus the image config, as ctr builds it');

  t.is((await container.image()).name, image.name);
  t.deepEqual(await container.extensions(), {});

  t.deepEqual(await container.setLabels({ tier: 'db', extra: 'x' }), { app: 'demo', tier: 'db', extra: 'x', [labels.stopSignal]: 'SIGTERM' });
  t.deepEqual(await container.setLabels({ extra: '' }), { app: 'demo', tier: 'db', [labels.stopSignal]: 'SIGTERM' }, 'an empty value removes the label, others stay');
  t.deepEqual(await container.labels(), { app: 'demo', tier: 'db', [labels.stopSignal]: 'SIGTERM' });

  await container.update([withSpec(withHostname('box'), withEnv(['A=1']))]);
  const updated = await container.spec();
  t.is(updated.hostname, 'box');
  t.true(updated.process!.env!.includes('A=1'));

  const loaded = await s.client.loadContainer(id);
  t.is((await loaded.info()).image, image.name);
  t.deepEqual((await s.client.containers([`labels.app==demo`])).map((c) => c.id), [id]);

  await container.delete({ withSnapshotCleanup: true });
  await t.throwsAsync(s.client.loadContainer(id), { instanceOf: NotFoundError });
  await t.throwsAsync(s.client.snapshotService('overlayfs').stat(`${id}-snap`), { instanceOf: NotFoundError });
});

rtest.serial('delete refuses while a task exists (FailedPrecondition), works after the task is deleted', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const id = s.id();
  const container = await s.client.newContainer(id, [withNewSnapshot(id, image), withNewSpec(withImageConfig(image), withProcessArgs('sleep', '30'))]);
  const task = await container.newTask(nullIO());
  const error = await t.throwsAsync(container.delete({ withSnapshotCleanup: true }));
  t.true(isFailedPrecondition(error), String(error));
  t.regex(error!.message, /has a task/);
  await task.kill('SIGKILL');
  await task.wait();
  await task.delete();
  await container.delete({ withSnapshotCleanup: true });
});

rtest.serial('a container not made from an image: image() is NotFound; spec from options only; view snapshots', async (t) => {
  const s = await session(t, daemon.address());
  const bare = await s.client.newContainer(s.id(), [withRuntime('io.containerd.runc.v2'), withNewSpec(withProcessArgs('true'))]);
  const error = await t.throwsAsync(bare.image());
  t.true(isNotFound(error));
  t.regex(error!.message, /not created from an image/);
  t.deepEqual((await bare.spec()).process?.args, ['true']);
  await bare.delete();

  const { image } = await s.busybox();
  const id = s.id();
  const view = await s.client.newContainer(id, [withNewSnapshotView(`${id}-view`, image), withNewSpec(withImageConfig(image))]);
  const info = await s.client.snapshotService('overlayfs').stat(`${id}-view`);
  t.is(info.kind, 'view');
  t.deepEqual((await view.spec()).process?.args, ['sh'], 'cmd from the image config');
  await view.delete({ withSnapshotCleanup: true });
});

rtest.serial('errors are errdefs classes carrying the daemon message', async (t) => {
  const s = await session(t, daemon.address());
  const missing = await t.throwsAsync(s.client.loadContainer('nope'), { instanceOf: NotFoundError });
  t.regex(missing!.message, /container "nope" in namespace .*not found|nope/);
  const id = s.id();
  const first = await s.client.newContainer(id, [withNewSpec(withProcessArgs('true'))]);
  const dup = await t.throwsAsync(s.client.newContainer(id, [withNewSpec(withProcessArgs('true'))]));
  t.is((dup as { code?: string }).code, 'AlreadyExists');
  t.regex(dup!.message, new RegExp(id));
  await first.delete();
});

rtest.serial('the image user is resolved from the image /etc/passwd and /etc/group, without mounting anything', async (t) => {
  const s = await session(t, daemon.address());
  const built = busyboxImage({ name: 'docker.io/library/busybox:user', config: { User: 'user', WorkingDir: '/home/user', Env: ['PATH=/bin', 'GREETING=hi'] } });
  const [image] = await s.client.import(Readable.from([ociArchive(built)]));
  const id = s.id();
  const container = await s.client.newContainer(id, [
    withNewSnapshot(id, image!),
    withNewSpec(withImageConfig(image!, 'sh', '-c', 'id; pwd; echo $GREETING')),
  ]);
  const spec = await container.spec();
  t.deepEqual(spec.process?.user, { uid: 1000, gid: 1000, additionalGids: [1000] });
  t.is(spec.process?.cwd, '/home/user');
  t.deepEqual(spec.process?.env, ['PATH=/bin', 'GREETING=hi']);
  const out = collector();
  const task = await container.newTask(withStreams({ stdout: out.stream, stderr: out.stream }));
  const exited = task.wait();
  await task.start();
  t.is((await exited).code, 0);
  await task.delete();
  t.is(out.text(), 'uid=1000(user) gid=1000(user) groups=1000(user)\n/home/user\nhi\n');

  await container.update([withSpec(withUser('nobody', image!))]);
  t.deepEqual((await container.spec()).process?.user, { uid: 65534, gid: 65534, additionalGids: [65534] });
  await container.update([withSpec(withUser('0:5'))]);
  const numeric = (await container.spec()).process?.user;
  t.is(numeric?.uid, 0);
  t.is(numeric?.gid, 5, 'uid:gid needs no lookup');
  t.deepEqual(numeric?.additionalGids, [5], "the previous user's groups do not stay (containerd's WithUser resets them to the primary gid)");
  await t.throwsAsync(container.update([withSpec(withUser('ghost', image!))]), { instanceOf: NotFoundError, message: /ghost/ });
  await container.delete({ withSnapshotCleanup: true });
});

rtest.serial('an image without /etc/passwd and /etc/group: the image config gives root with its primary gid, as containerd does', async (t) => {
  const s = await session(t, daemon.address());
  // The busybox layer with its user database whited out on top.
  const built = busyboxImage({
    name: 'docker.io/library/busybox:nousers',
    extraLayers: [[{ path: 'etc/.wh.passwd', type: 'file', content: '' }, { path: 'etc/.wh.group', type: 'file', content: '' }]],
  });
  const [image] = await s.client.import(Readable.from([ociArchive(built)]));
  const id = s.id();
  const container = await s.client.newContainer(id, [withNewSnapshot(id, image!), withNewSpec(withImageConfig(image!))]);
  t.deepEqual((await container.spec()).process?.user, { uid: 0, gid: 0, additionalGids: [0] });
  await container.delete({ withSnapshotCleanup: true });
});

rtest.serial('newContainer runs under a lease that holds its new snapshot, and deletes it once the container references it', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const id = s.id();
  let during: { id: string; type: string }[][] = [];
  const look: NewContainerOpt = async () => {
    during = await Promise.all((await s.client.leases.list()).map((lease) => s.client.leases.resources(lease.id)));
  };
  const container = await s.client.newContainer(id, [withNewSnapshot(id, image), look, withNewSpec(withImageConfig(image))]);
  t.is(during.length, 1, 'one lease while the container is made');
  t.true(during[0]!.some((r) => r.type === 'snapshots/overlayfs' && r.id === id), JSON.stringify(during[0]));
  t.deepEqual(await s.client.leases.list(), []);
  t.is((await s.client.snapshotService('overlayfs').stat(id)).kind, 'active', 'the container keeps its snapshot');
  await container.delete({ withSnapshotCleanup: true });
});

rtest.serial('a container made with withNewSnapshot + withImageStopSignal + withNewSpec(withImageConfig) is the record ctr makes (spec, labels, image, snapshot)', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const ours = s.id('ours');
  const theirs = s.id('ctr');
  await s.client.newContainer(ours, [withNewSnapshot(ours, image), withImageStopSignal(image), withNewSpec(withImageConfig(image))]);
  await daemon.ctr(s.namespace, 'containers', 'create', image.name, theirs);
  const [a, b] = await Promise.all([ours, theirs].map(async (id) => (await s.client.loadContainer(id)).info()));
  t.deepEqual(
    { ...a!.spec, linux: { ...a!.spec!.linux, cgroupsPath: '' } },
    { ...b!.spec, linux: { ...b!.spec!.linux, cgroupsPath: '' } },
  );
  t.is(a!.spec?.linux?.cgroupsPath, `/${s.namespace}/${ours}`);
  t.is(b!.spec?.linux?.cgroupsPath, `/${s.namespace}/${theirs}`);
  t.deepEqual(a!.labels, b!.labels);
  t.deepEqual([a!.image, a!.snapshotter, a!.runtime.name], [b!.image, b!.snapshotter, b!.runtime.name]);
  t.deepEqual([a!.snapshotKey, b!.snapshotKey], [ours, theirs], 'each its own snapshot named by the container id');
  for (const id of [ours, theirs]) await (await s.client.loadContainer(id)).delete({ withSnapshotCleanup: true });
});
