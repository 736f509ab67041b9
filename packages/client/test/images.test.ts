import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import test from 'ava';
import { InvalidArgumentError, NotFoundError } from '@proj/errdefs';
import { chainIds, type ImportProgress, labels, mediaTypes, type UnpackProgress } from '@proj/client';
import {
  busyboxImage,
  descriptor,
  digestHex,
  dockerArchive,
  IMAGE_NAME_ANNOTATION,
  jsonBlob,
  ociArchive,
  ociMediaTypes,
  REF_NAME_ANNOTATION,
  rootTest,
  sha256Digest,
  tempRoot,
  writeDockerArchive,
  writeTar,
} from '@proj/testkit';
import { session, suiteDaemon } from './helpers/daemon.js';

const rtest = rootTest(test);
const daemon = suiteDaemon(test);

rtest.serial('import of an OCI archive with unpack: image record, progress, gc labels, config, rootFS, snapshots', async (t) => {
  const s = await session(t, daemon.address());
  const built = busyboxImage({ name: 'docker.io/library/busybox:oci', extraLayers: [[{ path: 'hello.txt', type: 'file', content: 'hi\n' }]] });
  const progress: ImportProgress[] = [];
  const unpacks: UnpackProgress[] = [];
  const [image, ...rest] = await s.client.import(Readable.from([ociArchive(built)]), {
    onProgress: (p) => progress.push(p),
    onUnpackProgress: (p) => unpacks.push(p),
  });
  t.is(rest.length, 0);
  t.is(image!.name, built.name);
  t.is(image!.target.digest, built.manifest.digest);
  t.is(image!.target.mediaType, mediaTypes.ociManifest);
  t.true(progress.some((p) => p.phase === 'write' && p.written === p.total && p.ref.startsWith('tar-blobs/sha256/')));
  t.deepEqual(progress.filter((p) => p.phase === 'image'), [{ phase: 'image', name: built.name, digest: built.manifest.digest }]);
  t.deepEqual(
    unpacks.map((u) => [u.layer, u.status]),
    [
      [0, 'extracting'],
      [0, 'done'],
      [1, 'extracting'],
      [1, 'done'],
    ],
  );

  t.deepEqual(await image!.rootFS(), built.diffIds);
  const { config, descriptor } = await image!.config();
  t.is(descriptor.digest, built.config.digest);
  t.deepEqual(config.config?.Cmd, ['sh']);
  t.true(await image!.isUnpacked('overlayfs'));

  const chain = chainIds(built.diffIds);
  t.deepEqual(chain, built.chainIds);
  const snapshots = s.client.snapshotService('overlayfs');
  const top = await snapshots.stat(chain[1]!);
  t.is(top.kind, 'committed');
  t.is(top.parent, chain[0]!);

  const configInfo = await s.client.content.info(built.config.digest);
  t.is(configInfo.labels[`${labels.gcRefSnapshot}.overlayfs`], chain[1]);
  const manifestInfo = await s.client.content.info(built.manifest.digest);
  t.is(manifestInfo.labels[`${labels.gcRefContent}.config`], built.config.digest);
  t.is(manifestInfo.labels[`${labels.gcRefContent}.l.1`], built.layers[1]!.digest);
  t.is((await s.client.content.info(built.layers[0]!.digest)).labels[labels.uncompressed], built.diffIds[0]);

  t.deepEqual((await s.client.listImages()).map((i) => i.name), [built.name]);
  t.deepEqual(await image!.setLabels({ team: 'a', other: 'b' }), { team: 'a', other: 'b' });
  t.deepEqual(await image!.setLabels({ other: '' }), { team: 'a' });
  t.deepEqual((await s.client.listImages(['labels.team==a'])).map((i) => i.name), [built.name]);
  t.is((await s.client.getImage(built.name)).target.digest, built.manifest.digest);

  // Re-import: everything exists already; same image, no new snapshots.
  const again: UnpackProgress[] = [];
  await s.client.import(Readable.from([ociArchive(built)]), { onUnpackProgress: (p) => again.push(p) });
  t.deepEqual(again.map((u) => u.status), ['exists', 'exists']);

  await image!.delete({ sync: true });
  await t.throwsAsync(s.client.getImage(built.name), { instanceOf: NotFoundError });
});

rtest.serial('import of a Docker archive with two tagged images; unpack into a snapshotter on demand', async (t) => {
  const s = await session(t, daemon.address());
  const one = busyboxImage({ name: 'docker.io/library/busybox:one' });
  const two = busyboxImage({ name: 'example.com/team/tool:2', config: { Cmd: ['echo', 'two'] } });
  const images = await s.client.import(Readable.from([dockerArchive([one, two])]), { unpack: false });
  t.deepEqual(images.map((i) => i.name).sort(), [one.name, two.name].sort());
  for (const image of images) {
    t.is(image.target.mediaType, mediaTypes.dockerManifest);
    t.false(await image.isUnpacked('overlayfs'));
  }
  const tool = images.find((i) => i.name === two.name)!;
  t.deepEqual((await tool.config()).config.config?.Cmd, ['echo', 'two']);
  const { manifest } = await tool.manifest();
  t.is(manifest.layers[0]!.mediaType, mediaTypes.dockerLayer, 'Docker archives hold uncompressed layer.tar files');
  t.is(manifest.layers[0]!.digest, two.diffIds[0]!);
  await tool.unpack({ snapshotter: 'overlayfs' });
  t.true(await tool.isUnpacked('overlayfs'));
});

rtest.serial('content: write, info, read ranges, labels, list, delete; errors for missing blobs', async (t) => {
  const s = await session(t, daemon.address());
  const data = Buffer.from('hello content store\n'.repeat(1000));
  const result = await s.client.withLease(async (leased) => {
    const written = await leased.content.write('test-blob', [data.subarray(0, 5000), data.subarray(5000)], {
      total: data.length,
      labels: { 'containerd.io/gc.root': 'test' },
    });
    t.is(written.size, data.length);
    t.false(written.existed);
    const again = await leased.content.write('test-blob-2', data, { expected: written.digest, total: data.length });
    t.true(again.existed, 'an existing blob makes a write with its digest a no-op');
    return written;
  });
  const info = await s.client.content.info(result.digest);
  t.is(info.size, data.length);
  t.is(info.labels['containerd.io/gc.root'], 'test');
  t.deepEqual(await s.client.content.readAll(result.digest), data);
  const parts: Uint8Array[] = [];
  for await (const chunk of s.client.content.read(result.digest, { offset: 6, size: 7 })) parts.push(chunk);
  t.is(Buffer.concat(parts).toString(), 'content');
  const labelled = await s.client.content.setLabels(result.digest, { extra: 'yes' });
  t.is(labelled.labels.extra, 'yes');
  t.true((await s.client.content.list([`digest==${result.digest}`])).some((i) => i.digest === result.digest));
  await s.client.content.delete(result.digest);

  // An ingest left open (the stream ended before commit) shows in statuses until aborted.
  const stream = s.client.services.content.write(s.client.call());
  await stream.send({ action: 0, ref: 'unfinished', total: 10n });
  await stream.recv();
  await stream.send({ action: 1, data: Buffer.from('12345') });
  await stream.recv();
  stream.end();
  while ((await stream.recv()) !== undefined);
  const [status] = await s.client.content.statuses(['ref==unfinished']);
  t.like(status, { ref: 'unfinished', offset: 5, total: 10 });
  await s.client.content.abort('unfinished');
  t.deepEqual(await s.client.content.statuses(['ref==unfinished']), []);
  const missing = await t.throwsAsync(s.client.content.info(result.digest), { instanceOf: NotFoundError });
  t.regex(missing!.message, new RegExp(result.digest.slice(7)));
});

rtest.serial('snapshots: prepare, mounts, commit, view, stat, labels, usage, list, remove', async (t) => {
  const s = await session(t, daemon.address());
  // Under a lease: unreferenced snapshots are otherwise fair game for the garbage collector.
  await s.client.withLease(async (leased) => {
    const sn = leased.snapshotService('overlayfs');
    const base = s.id('base');
    const mounts = await sn.prepare(`${base}-active`, '', { labels: { purpose: 'test' } });
    t.is(mounts[0]?.type, 'bind');
    t.deepEqual(await sn.mounts(`${base}-active`), mounts);
    t.is((await sn.stat(`${base}-active`)).kind, 'active');
    await sn.commit(base, `${base}-active`, { labels: { kept: 'yes' } });
    const committed = await sn.stat(base);
    t.is(committed.kind, 'committed');
    t.deepEqual(committed.labels, { kept: 'yes' });
    await t.throwsAsync(sn.stat(`${base}-active`), { instanceOf: NotFoundError });
    const view = await sn.view(`${base}-view`, base);
    t.true(view[0]!.options.includes('ro'));
    t.deepEqual((await sn.setLabels(base, { more: '1' })).labels, { kept: 'yes', more: '1' });
    t.is(typeof (await sn.usage(base)).size, 'number');
    t.deepEqual((await sn.list([`parent==${base}`])).map((i) => i.name), [`${base}-view`]);
    const busy = await t.throwsAsync(sn.remove(base));
    t.is((busy as { code?: string }).code, 'FailedPrecondition');
    await sn.remove(`${base}-view`);
    await sn.remove(base);
    t.deepEqual(await sn.list(), []);
  });
});

rtest.serial('ctr (the Go client) lists and runs an image @proj/client imported and unpacked', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox('docker.io/library/busybox:crosscheck');
  t.is((await daemon.ctr(s.namespace, 'images', 'ls', '-q')).trim(), image.name);
  t.is(await daemon.ctr(s.namespace, 'run', '--rm', image.name, s.id(), 'echo', 'hello'), 'hello\n');
});

rtest.serial('import writes under one lease (24 h gc.expire, holding what it wrote) and deletes it at the end, as the Go client', async (t) => {
  const s = await session(t, daemon.address());
  const built = busyboxImage({ name: 'docker.io/library/busybox:leased' });
  const tar = ociArchive(built);
  // The archive's second half arrives only after a look at the leases: by then index.json, the
  // manifest and the config are committed, and the layer is being written.
  let seen: { labels: Record<string, string>; resources: { id: string; type: string }[] }[] = [];
  async function* archive(): AsyncGenerator<Uint8Array> {
    const half = Math.floor(tar.length / 2);
    yield tar.subarray(0, half);
    seen = await Promise.all(
      (await s.client.leases.list()).map(async (lease) => ({ labels: lease.labels, resources: await s.client.leases.resources(lease.id) })),
    );
    yield tar.subarray(half);
  }
  const [image] = await s.client.import(archive(), { unpack: false });
  t.is(image!.name, built.name);
  t.is(seen.length, 1, 'one lease while importing');
  const expires = Date.parse(seen[0]!.labels[labels.gcExpire] ?? '');
  t.true(Math.abs(expires - (Date.now() + 24 * 3600_000)) < 600_000, 'containerd.io/gc.expire is about 24 h ahead');
  for (const digest of [built.manifest.digest, built.config.digest]) {
    t.true(seen[0]!.resources.some((r) => r.type === 'content' && r.id === digest), `the lease holds ${digest}`);
  }
  t.deepEqual(await s.client.leases.list(), [], 'the lease is gone after the import');
  // What keeps the content now: the image, and the gc.ref labels from its manifest down.
  t.is((await s.client.content.info(built.manifest.digest)).labels[`${labels.gcRefContent}.l.0`], built.layers[0]!.digest);
});

rtest.serial('a multi-platform index with only this host\'s manifest in the archive imports and unpacks (the others are skipped, as the Go client\'s platform filter does)', async (t) => {
  const s = await session(t, daemon.address());
  const built = busyboxImage({ name: 'docker.io/library/busybox:multi' });
  const otherArch = built.platform.architecture === 's390x' ? 'riscv64' : 's390x';
  const absent = { mediaType: ociMediaTypes.manifest, digest: sha256Digest(Buffer.from('not in the archive')), size: 18, platform: { architecture: otherArch, os: 'linux' } };
  const nested = jsonBlob(ociMediaTypes.index, {
    schemaVersion: 2,
    mediaType: ociMediaTypes.index,
    manifests: [{ ...descriptor(built.manifest), platform: built.platform }, absent],
  });
  const top = jsonBlob(ociMediaTypes.index, {
    schemaVersion: 2,
    mediaType: ociMediaTypes.index,
    manifests: [{ ...descriptor(nested), annotations: { [IMAGE_NAME_ANNOTATION]: built.name, [REF_NAME_ANNOTATION]: 'multi' } }],
  });
  const blobs = [nested, built.manifest, built.config, ...built.layers.map((l) => ({ digest: l.digest, data: l.blob }))];
  const tar = writeTar([
    { path: 'oci-layout', type: 'file', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: 'file', content: top.data },
    ...blobs.map((b) => ({ path: `blobs/sha256/${digestHex(b.digest)}`, type: 'file' as const, content: b.data })),
  ]);
  const [image] = await s.client.import(Readable.from([tar]));
  t.is(image!.target.digest, nested.digest);
  t.is((await image!.manifest()).descriptor.digest, built.manifest.digest);
  t.true(await image!.isUnpacked('overlayfs'));
  t.is((await s.client.content.info(built.manifest.digest)).labels[`${labels.gcRefContent}.config`], built.config.digest);
  const nestedLabels = (await s.client.content.info(nested.digest)).labels;
  t.deepEqual(nestedLabels, { [`${labels.gcRefContent}.m.0`]: built.manifest.digest }, 'only the host manifest is referenced, as ctr labels it');
});

rtest.serial('unpack runs under a lease of its own, deleted at the end, as the Go client\'s image.Unpack', async (t) => {
  const s = await session(t, daemon.address());
  const built = busyboxImage({ name: 'docker.io/library/busybox:unpacklease' });
  const [image] = await s.client.import(Readable.from([ociArchive(built)]), { unpack: false });
  t.deepEqual(await s.client.leases.list(), []);
  const during: string[][] = [];
  await image!.unpack({
    snapshotter: 'overlayfs',
    // A synchronous look with ctr: the unpack stands still while it runs.
    onProgress: (p) => {
      if (p.status === 'done') during.push(daemon.ctrSync(s.namespace, 'leases', 'ls', '-q').split('\n').filter(Boolean));
    },
  });
  t.is(during.length, 1);
  t.is(during[0]!.length, 1, 'one lease while the layer is committed');
  t.deepEqual(await s.client.leases.list(), [], 'deleted afterwards');
  t.true(await image!.isUnpacked('overlayfs'), 'the snapshots stay: the config references the top one');
});

rtest.serial('a tar that is no image archive: InvalidArgument naming what is missing, and nothing it wrote outlives the import', async (t) => {
  const s = await session(t, daemon.address());
  const tar = writeTar([{ path: 'notes/hello.txt', type: 'file', content: 'not an image\n' }]);
  await t.throwsAsync(s.client.import(Readable.from([tar])), { instanceOf: InvalidArgumentError, message: /index\.json.*manifest\.json/ });
  t.deepEqual(await s.client.leases.list(), [], 'the import lease is gone');
  // A synchronous garbage collection (deleting a lease with sync) takes what the lease held.
  const probe = await s.client.leases.create();
  await s.client.leases.delete(probe.id, { sync: true });
  t.deepEqual(await s.client.content.list(), [], 'the blob written before the failure is collected');
});

rtest.serial('a Docker archive gives the same image (manifest digest, labels on its blobs) through @proj/client as through ctr', async (t) => {
  const s = await session(t, daemon.address());
  const built = busyboxImage({ name: 'docker.io/library/busybox:twice' });
  const archive = join(await tempRoot(t, 'client-docker-'), 'busybox.tar');
  await writeDockerArchive(archive, built);
  const [ours] = await s.client.import(createReadStream(archive));
  const labelsOf = async (digest: string) => (await s.client.content.info(digest)).labels;
  const before = { manifest: await labelsOf(ours!.target.digest), layer: await labelsOf(built.diffIds[0]!), config: await labelsOf(built.config.digest) };
  // ctr imports the same archive over the same name: the image must not change.
  await daemon.ctr(s.namespace, 'images', 'import', archive);
  const theirs = await s.client.getImage(built.name);
  t.deepEqual(theirs.target, ours!.target);
  t.deepEqual({ manifest: await labelsOf(ours!.target.digest), layer: await labelsOf(built.diffIds[0]!), config: await labelsOf(built.config.digest) }, before);
});
