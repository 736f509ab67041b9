import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFailedPrecondition } from '@proj/errdefs';
import { SnapshotLabels, diskUsage } from '@proj/snapshots';
import {
  type OverlayOptions,
  createOverlaySnapshotter,
  overlayIndexParameter,
  overlayMountOptions,
  overlaySupportsIndex,
} from '@proj/snapshots-overlay';
import test, { type ExecutionContext } from 'ava';

// Read after a snapshotter exists: opening one loads the overlay module (as root).
const indexOff = () => (existsSync(overlayIndexParameter) ? ['index=off'] : []);

async function open(t: ExecutionContext, options: OverlayOptions = {}, root?: string) {
  const dir = root ?? join(await mkdtemp(join(tmpdir(), 'proj-overlay-')), 'root');
  const sn = await createOverlaySnapshotter(dir, options);
  t.teardown(async () => {
    await sn.close();
    if (!root) await rm(join(dir, '..'), { recursive: true, force: true });
  });
  return sn;
}

test('layout: metadata.db and snapshots/<id>/{fs,work}; views have no work dir', async (t) => {
  const sn = await open(t);
  await sn.prepare('a');
  await sn.commit('c', 'a');
  await sn.view('v', 'c');
  await sn.prepare('b', 'c');
  t.true(existsSync(join(sn.root, 'metadata.db')));
  t.deepEqual((await readdir(sn.layout.snapshots)).sort(), ['1', '2', '3']);
  t.deepEqual((await readdir(sn.layout.dir('1'))).sort(), ['fs', 'work']);
  t.deepEqual(await readdir(sn.layout.dir('2')), ['fs']);
  t.deepEqual((await readdir(sn.layout.dir('3'))).sort(), ['fs', 'work']);
});

test('mounts follow containerd: bind for base layers, read-only views, overlay nearest parent first', async (t) => {
  const sn = await open(t);
  const L = sn.layout;
  t.deepEqual(await sn.prepare('a1'), [{ type: 'bind', source: L.upper('1'), options: ['rw', 'rbind'] }]);
  t.deepEqual(await sn.view('v0'), [{ type: 'bind', source: L.upper('2'), options: ['ro', 'rbind'] }]);
  await sn.commit('c1', 'a1');
  t.deepEqual(await sn.view('v1', 'c1'), [{ type: 'bind', source: L.upper('1'), options: ['ro', 'rbind'] }]);
  await sn.prepare('a2', 'c1');
  await sn.commit('c2', 'a2');
  t.deepEqual(await sn.view('v2', 'c2'), [
    { type: 'overlay', source: 'overlay', options: [...indexOff(), `lowerdir=${L.upper('4')}:${L.upper('1')}`] },
  ]);
  const active = await sn.prepare('a3', 'c2');
  t.deepEqual(active, [
    {
      type: 'overlay',
      source: 'overlay',
      options: [...indexOff(), `workdir=${L.work('6')}`, `upperdir=${L.upper('6')}`, `lowerdir=${L.upper('4')}:${L.upper('1')}`],
    },
  ]);
  t.deepEqual(await sn.mounts('a3'), active);
  t.deepEqual(await sn.mounts('v0'), [{ type: 'bind', source: L.upper('2'), options: ['ro', 'rbind'] }]);
  t.true(isFailedPrecondition(await t.throwsAsync(sn.mounts('c2'))));
});

test('mount options: extra options on overlays only; a given index= suppresses index=off', async (t) => {
  const sn = await open(t, { mountOptions: ['index=on', 'metacopy=off'] });
  t.deepEqual((await sn.prepare('a'))[0]?.options, ['rw', 'rbind']);
  await sn.commit('c', 'a');
  const options = (await sn.prepare('b', 'c'))[0]?.options ?? [];
  t.deepEqual(options.slice(0, 2), ['index=on', 'metacopy=off']);
  t.false(options.includes('index=off'));
});

test('remove deletes the directory; asyncRemove leaves it to cleanup', async (t) => {
  const sn = await open(t);
  await sn.prepare('a');
  await sn.remove('a');
  t.deepEqual(await readdir(sn.layout.snapshots), []);

  const lazy = await open(t, { asyncRemove: true });
  await lazy.prepare('a');
  await lazy.remove('a');
  t.deepEqual(await readdir(lazy.layout.snapshots), ['.removing-1']);
  await t.throwsAsync(lazy.stat('a'));
  await lazy.prepare('a');
  await lazy.cleanup();
  t.deepEqual(await readdir(lazy.layout.snapshots), ['2']);
});

test('cleanup removes orphans and half-made directories, never live snapshots', async (t) => {
  const sn = await open(t);
  await sn.prepare('a');
  await sn.commit('c', 'a');
  await sn.view('v', 'c');
  for (const orphan of ['99', '.new-7-abc', '.removing-5', 'stray']) {
    await mkdir(join(sn.layout.snapshots, orphan, 'fs'), { recursive: true });
    await writeFile(join(sn.layout.snapshots, orphan, 'fs', 'x'), 'x');
  }
  await sn.cleanup();
  t.deepEqual((await readdir(sn.layout.snapshots)).sort(), ['1', '2']);
  t.is((await sn.stat('c')).kind, 'committed');
});

test('reopening restores a directory whose removal did not commit, and never reuses an id on disk', async (t) => {
  const dir = join(await mkdtemp(join(tmpdir(), 'proj-overlay-')), 'root');
  t.teardown(() => rm(join(dir, '..'), { recursive: true, force: true }));
  const first = await createOverlaySnapshotter(dir);
  await first.prepare('a');
  await first.close();
  // As if killed between the rename and the commit of a remove, and an orphan left by a prepare.
  await rename(join(dir, 'snapshots', '1'), join(dir, 'snapshots', '.removing-1'));
  await mkdir(join(dir, 'snapshots', '41', 'fs'), { recursive: true });
  const sn = await open(t, {}, dir);
  t.true(existsSync(sn.layout.upper('1')), 'directory restored');
  t.is((await sn.stat('a')).kind, 'active');
  t.deepEqual(await sn.prepare('b'), [{ type: 'bind', source: sn.layout.upper('42'), options: ['rw', 'rbind'] }]);
});

test('upperdirLabel adds the upper path to stat, update and walk', async (t) => {
  const sn = await open(t, { upperdirLabel: true });
  await sn.prepare('a', '', { labels: { x: '1' } });
  const expected = { x: '1', [SnapshotLabels.overlayUpperdir]: sn.layout.upper('1') };
  t.deepEqual((await sn.stat('a')).labels, expected);
  t.deepEqual((await sn.update({ name: 'a', labels: { x: '1' } })).labels, expected);
  const walked: Array<Record<string, string>> = [];
  await sn.walk((info) => void walked.push(info.labels));
  t.deepEqual(walked, [expected]);
});

test('usage walks the layer once per inode; commit records it; views report zero', async (t) => {
  const sn = await open(t);
  await sn.prepare('a');
  const fs = sn.layout.upper('1');
  const empty = await sn.usage('a');
  t.is(empty.inodes, 1);
  await writeFile(join(fs, 'data'), Buffer.alloc(100_000, 7));
  await mkdir(join(fs, 'd'));
  await link(join(fs, 'data'), join(fs, 'd', 'hardlink'));
  await link(join(fs, 'data'), join(fs, 'hardlink2'));
  const used = await sn.usage('a');
  t.is(used.inodes, 3, 'root, data (three names), d');
  t.true(used.size >= empty.size + 100_000 && used.size < empty.size + 200_000, `size ${used.size}`);
  t.deepEqual(await diskUsage(fs), used);
  await sn.commit('c', 'a');
  await writeFile(join(fs, 'late'), 'changes after commit are not counted');
  t.deepEqual(await sn.usage('c'), used);
  await sn.view('v', 'c');
  t.deepEqual(await sn.usage('v'), { size: 0, inodes: 0 });
});

test('operations after close fail; close twice is fine', async (t) => {
  const sn = await open(t);
  await sn.close();
  await sn.close();
  t.true(isFailedPrecondition(await t.throwsAsync(sn.prepare('a'))));
  t.true(isFailedPrecondition(await t.throwsAsync(sn.stat('a'))));
});

test('index=off follows the kernel: the probe loads the module with a test mount and leaves nothing behind', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'proj-overlay-probe-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.true(await overlaySupportsIndex(dir, '/proc/self'), 'an existing parameter answers at once');
  // A parameter that never appears: as root the probe still test-mounts, then answers false.
  t.false(await overlaySupportsIndex(dir, join(dir, 'no-such-parameter')));
  t.deepEqual(await readdir(dir), [], 'the test mount directory is removed');
  t.deepEqual(overlayMountOptions(['userxattr'], true), ['index=off', 'userxattr']);
  t.deepEqual(overlayMountOptions(['index=on'], true), ['index=on']);
  t.deepEqual(overlayMountOptions([], false), []);
});
