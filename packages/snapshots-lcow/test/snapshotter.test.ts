import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import {
  isAlreadyExists,
  isFailedPrecondition,
  isInvalidArgument,
  isNotFound,
  isUnknown,
} from '@proj/errdefs';
import { SANDBOX_FILE, createLcowSnapshotter, parentLayerPaths } from '@proj/snapshots-lcow';
import { tempRoot } from '@proj/testkit';
import { countingCreator } from './helpers/counting-creator.js';
import { qemuImgInfo } from './helpers/qemu.js';

async function open(t: Parameters<typeof tempRoot>[0], creator = countingCreator()) {
  const root = await tempRoot(t);
  const sn = await createLcowSnapshotter(root, { scratchCreator: creator.creator, noSync: true });
  t.teardown(() => sn.close());
  return { root, sn, state: creator.state, dir: (id: string) => join(root, 'snapshots', id) };
}

const idOf = (source: string) => source.split('/').pop() ?? '';

test('10 parallel prepares create the scratch once and each get a valid sandbox.vhdx copy', async (t) => {
  const { root, sn, state } = await open(t, countingCreator({ delayMs: 200 }));
  const all = await Promise.all(Array.from({ length: 10 }, (_, i) => sn.prepare(`c-${i}`)));
  t.is(state.calls, 1, 'one creation for ten prepares');
  const scratch = await readFile(join(root, 'scratch.vhdx'));
  t.is((await qemuImgInfo(join(root, 'scratch.vhdx'))).format, 'vhdx');
  for (const [mount] of all) {
    const sandbox = join(mount!.source, SANDBOX_FILE);
    t.true((await readFile(sandbox)).equals(scratch), `${sandbox} is a copy of scratch.vhdx`);
    t.is((await qemuImgInfo(sandbox)).format, 'vhdx');
  }
  t.is(new Set(all.map(([m]) => m!.source)).size, 10);
});

test('mounts carry the parent layer paths: active, views, no parent', async (t) => {
  const { sn, dir } = await open(t);
  const [base] = await sn.prepare('base-a');
  t.deepEqual(base, { type: 'lcow-layer', source: base!.source, options: ['rw', 'parentLayerPaths=[]'] });
  await sn.commit('base', 'base-a');
  const baseDir = base!.source;
  const [mid] = await sn.prepare('mid-a', 'base');
  t.deepEqual(parentLayerPaths(mid!), [baseDir]);
  await sn.commit('mid', 'mid-a');
  const midDir = mid!.source;

  const [active] = await sn.prepare('top', 'mid');
  t.is(active!.type, 'lcow-layer');
  t.deepEqual(active!.options, ['rw', `parentLayerPaths=${JSON.stringify([midDir, baseDir])}`]);
  t.is(active!.source, dir(idOf(active!.source)));
  t.truthy(await stat(join(active!.source, SANDBOX_FILE)));
  t.deepEqual(await sn.mounts('top'), [active]);

  const [view] = await sn.view('look', 'mid');
  t.deepEqual(view, { type: 'lcow-layer', source: midDir, options: ['ro', `parentLayerPaths=${JSON.stringify([baseDir])}`] });
  t.deepEqual(await sn.mounts('look'), [view]);

  const [lonely] = await sn.view('lonely');
  t.deepEqual(lonely!.options, ['ro', 'parentLayerPaths=[]']);
  t.deepEqual(await readdir(lonely!.source), [], 'a view holds no scratch');
  for (const p of [midDir, baseDir]) t.truthy(await stat(join(p, SANDBOX_FILE)), 'parents keep their layer directory');
});

test('views never trigger scratch creation', async (t) => {
  const { root, sn, state } = await open(t);
  await sn.view('v');
  t.is(state.calls, 0);
  await t.throwsAsync(stat(join(root, 'scratch.vhdx')), { code: 'ENOENT' });
});

test('usage: active is measured live, committed keeps it, a view is zero', async (t) => {
  const { sn } = await open(t);
  const [m] = await sn.prepare('u-a');
  const active = await sn.usage('u-a');
  t.true(active.size > 0 && active.inodes === 2, JSON.stringify(active));
  await writeFile(join(m!.source, 'extra'), Buffer.alloc(64 * 1024, 1));
  t.true((await sn.usage('u-a')).size >= active.size + 64 * 1024);
  await sn.commit('u', 'u-a');
  t.is((await sn.usage('u')).inodes, 3);
  await sn.view('u-v', 'u');
  t.deepEqual(await sn.usage('u-v'), { size: 0, inodes: 0 });
});

test('bad input gives errdefs errors and changes nothing on disk', async (t) => {
  const { root, sn, state } = await open(t);
  for (const key of ['', 'a/b', '..', 'k'.repeat(2000), 'nul\u0000']) {
    t.true(isInvalidArgument(await t.throwsAsync(sn.prepare(key))), JSON.stringify(key.slice(0, 10)));
  }
  t.true(isNotFound(await t.throwsAsync(sn.prepare('x', 'no-such-parent'))));
  t.is(state.calls, 0, 'rejected prepares never make the scratch');
  t.deepEqual(await readdir(join(root, 'snapshots')), []);

  await sn.prepare('a');
  t.true(isAlreadyExists(await t.throwsAsync(sn.prepare('a'))));
  t.true(isInvalidArgument(await t.throwsAsync(sn.prepare('b', 'a'))), 'an active parent');
  await sn.view('v');
  t.true(isFailedPrecondition(await t.throwsAsync(sn.commit('v-c', 'v'))), 'commit of a view');
  await sn.commit('c', 'a');
  t.true(isNotFound(await t.throwsAsync(sn.commit('c2', 'a'))), 'commit of a committed-away key');
  t.true(isAlreadyExists(await t.throwsAsync(sn.commit('c', 'v'))), 'commit onto an existing name');
  t.true(isFailedPrecondition(await t.throwsAsync(sn.mounts('c'))), 'mounts of a committed snapshot');
  t.true(isNotFound(await t.throwsAsync(sn.mounts('nope'))));
  t.true(isNotFound(await t.throwsAsync(sn.stat('nope'))));
  t.true(isNotFound(await t.throwsAsync(sn.usage('nope'))));
  await sn.prepare('child', 'c');
  t.true(isFailedPrecondition(await t.throwsAsync(sn.remove('c'))), 'remove with a child');
  t.true(isNotFound(await t.throwsAsync(sn.remove('nope'))));
  t.true(isInvalidArgument(await t.throwsAsync(sn.walk(() => undefined, 'kind~~active'))));
  t.true(isInvalidArgument(await t.throwsAsync(sn.update({ name: 'c', parent: 'x' }, 'parent'))));
  t.is((await readdir(join(root, 'snapshots'))).length, 3, 'c, child and v: nothing else');
  t.true(isInvalidArgument(await t.throwsAsync(createLcowSnapshotter(''))));
  await sn.close();
  await sn.close();
  t.true(isFailedPrecondition(await t.throwsAsync(sn.stat('c'))), 'closed');
});

test('a failing scratch creator fails the prepare with its error class and leaves nothing', async (t) => {
  const { root, sn, state } = await open(t, countingCreator({ failTimes: 1 }));
  const error = await t.throwsAsync(sn.prepare('a'));
  t.true(isUnknown(error));
  t.regex(error?.message ?? '', /scratch\.vhdx.*injected failure/);
  t.true(isNotFound(await t.throwsAsync(sn.stat('a'))));
  t.deepEqual(await readdir(join(root, 'snapshots')), []);
  await sn.prepare('a');
  t.is(state.calls, 2);
});

test('remove deletes the directory; cleanup removes orphans and keeps owned directories', async (t) => {
  const { root, sn } = await open(t);
  const [m] = await sn.prepare('keep');
  const [gone] = await sn.prepare('gone');
  await sn.remove('gone');
  await t.throwsAsync(stat(gone!.source), { code: 'ENOENT' });
  const snapshots = join(root, 'snapshots');
  for (const orphan of ['rm-77', 'new-0011223344556677', '999']) {
    await mkdir(join(snapshots, orphan));
    await writeFile(join(snapshots, orphan, SANDBOX_FILE), 'x');
  }
  await sn.cleanup();
  t.deepEqual(await readdir(snapshots), [idOf(m!.source)]);
});

test('reopening a root keeps the snapshots and the scratch', async (t) => {
  const root = await tempRoot(t);
  const { creator, state } = countingCreator();
  const first = await createLcowSnapshotter(root, { scratchCreator: creator });
  await first.prepare('a');
  await first.commit('c', 'a', { labels: { x: 'y' } });
  await first.close();
  const second = await createLcowSnapshotter(root, { scratchCreator: creator });
  t.teardown(() => second.close());
  t.deepEqual((await second.stat('c')).labels, { x: 'y' });
  const [m] = await second.prepare('b', 'c');
  t.is(parentLayerPaths(m!).length, 1);
  t.is(state.calls, 1);
});

test('new ids start above every directory a crash left on disk', async (t) => {
  const root = await tempRoot(t);
  const { creator } = countingCreator();
  const first = await createLcowSnapshotter(root, { scratchCreator: creator });
  await first.view('v');
  await first.close();
  await mkdir(join(root, 'snapshots', '41'));
  await mkdir(join(root, 'snapshots', 'rm-57'));
  const second = await createLcowSnapshotter(root, { scratchCreator: creator });
  t.teardown(() => second.close());
  const [m] = await second.prepare('a');
  t.is(idOf(m!.source), '58');
  await second.cleanup();
  t.deepEqual((await readdir(join(root, 'snapshots'))).sort(), ['1', '58']);
});

test('cleanup running alongside prepares and removes never deletes a live snapshot', async (t) => {
  const { root, sn } = await open(t);
  await sn.prepare('warm');
  let stop = false;
  const cleaner = (async () => {
    let rounds = 0;
    while (!stop) {
      await sn.cleanup();
      rounds++;
    }
    return rounds;
  })();
  const mounts = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      const m = await sn.prepare(`p-${i}`);
      if (i % 3 === 0) await sn.remove(`p-${i}`);
      return m;
    }),
  );
  stop = true;
  t.true((await cleaner) > 0);
  for (const [i, [m]] of mounts.entries()) {
    if (i % 3 === 0) continue;
    t.truthy(await stat(join(m!.source, SANDBOX_FILE)), `p-${i} keeps its sandbox`);
  }
  await sn.cleanup();
  t.is((await readdir(join(root, 'snapshots'))).length, 1 + 20);
});
