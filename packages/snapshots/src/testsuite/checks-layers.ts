// Checks that mount what the snapshotter returns and compare the trees seen through the
// mounts with a flat directory that had the same changes applied.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';
import type { Snapshotter } from '../snapshotter.js';
import {
  type FsOp,
  apply,
  checkDirectoryEqual,
  chown,
  createDir,
  createFile,
  hardlink,
  removeAll,
  renamePath,
} from './fstest.js';
import { walkNames } from './checks-api.js';
import { type Check, type CheckContext, gcRootOpt as opt, randomSuffix, withMounted } from './harness.js';

/** Prepares `key` on `parent`, applies `ops` through its mounts and commits it as `name`. */
export async function createLayer(sn: Snapshotter, work: string, parent: string, ops: readonly FsOp[], name?: string): Promise<string> {
  const n = name ?? `layer-${randomSuffix()}`;
  const key = `${n}-prepare`;
  const mounts = await sn.prepare(key, parent, opt);
  const target = await mkdtemp(join(work, 'prepare-'));
  await withMounted(mounts, target, () => apply(target, ops));
  await rm(target, { recursive: true });
  await sn.commit(n, key, opt);
  return n;
}

/** Mounts a view of `name` and compares it with the directory `expected`. */
export async function checkView(sn: Snapshotter, work: string, name: string, expected: string): Promise<void> {
  const view = `${name}-view-${randomSuffix()}`;
  const mounts = await sn.view(view, name, opt);
  const target = await mkdtemp(join(work, 'check-'));
  try {
    await withMounted(mounts, target, () => checkDirectoryEqual(expected, target));
  } finally {
    await rm(target, { recursive: true, force: true });
    await sn.remove(view);
  }
}

/**
 * containerd's checkSnapshots: builds a chain with one layer per op list, and after each layer
 * checks that a view of it equals a flat directory with all the changes so far.
 */
export async function checkLayers(c: CheckContext, ...layers: FsOp[][]): Promise<void> {
  const flat = await mkdtemp(join(c.work, 'flat-'));
  let parent = '';
  for (const [i, ops] of layers.entries()) {
    try {
      parent = await createLayer(c.snapshotter, c.work, parent, ops);
      await apply(flat, ops);
      await checkView(c.snapshotter, c.work, parent, flat);
    } catch (err) {
      throw new Error(`layer ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
  }
  c.t.pass();
}

async function prepareMounted(t: ExecutionContext, sn: Snapshotter, work: string, key: string, parent: string) {
  const mounts = await sn.prepare(key, parent, opt);
  t.true(mounts.length > 0, 'prepare returns mounts');
  const target = join(work, key);
  await mkdir(target, { recursive: true });
  return { mounts, target };
}

export const layerChecks: Check[] = [
  {
    title: 'Basic',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const initial = [
        createFile('foo', 'foo\n', 0o777),
        createDir('a', 0o755),
        createDir('a/b', 0o755),
        createDir('a/b/c', 0o755),
      ];
      const diff = [createFile('bar', 'bar\n', 0o777), createFile('foo', 'bar\n', 0o777), removeAll('a/b')];
      const p = await prepareMounted(t, sn, work, 'preparing', '');
      await withMounted(p.mounts, p.target, () => apply(p.target, initial));
      await sn.commit('committed', 'preparing', opt);
      const si = await sn.stat('committed');
      t.is(si.parent, undefined);
      t.is(si.kind, 'committed');
      await t.throwsAsync(sn.stat('preparing'), undefined, 'the key is gone after commit');

      const expected1 = await mkdtemp(join(work, 'expected-'));
      await apply(expected1, initial);
      const next = await prepareMounted(t, sn, work, 'nextlayer', 'committed');
      await withMounted(next.mounts, next.target, async () => {
        await checkDirectoryEqual(expected1, next.target);
        await apply(next.target, diff);
      });
      const ni = await sn.stat('nextlayer');
      t.is(ni.parent, 'committed');
      t.is(ni.kind, 'active');
      await sn.commit('committed-next', 'nextlayer', opt);
      const si2 = await sn.stat('committed-next');
      t.is(si2.parent, 'committed');
      t.is(si2.kind, 'committed');
      await t.throwsAsync(sn.stat('nextlayer'));

      const walked = new Map<string, unknown>();
      await sn.walk((info) => void walked.set(info.name, info));
      t.deepEqual(walked.get('committed'), si);
      t.deepEqual(walked.get('committed-next'), si2);

      await apply(expected1, diff);
      const view = await sn.view('nextnextlayer', 'committed-next', opt);
      const viewTarget = join(work, 'nextnextlayer');
      await withMounted(view, viewTarget, () => checkDirectoryEqual(expected1, viewTarget));
      await sn.remove('nextnextlayer');
      const err = await sn.remove('committed').then(
        () => undefined,
        (e: unknown) => e,
      );
      t.truthy(err, 'removing a parent fails');
      t.regex(String((err as Error | undefined)?.message), /remove/);
      await sn.remove('committed-next');
      await sn.remove('committed');
    },
  },
  {
    title: 'StatActive',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const p = await prepareMounted(t, sn, work, 'preparing', '');
      await withMounted(p.mounts, p.target, () => writeFile(join(p.target, 'foo'), 'foo\n', { mode: 0o777 }));
      const si = await sn.stat('preparing');
      t.is(si.name, 'preparing');
      t.is(si.kind, 'active');
      t.is(si.parent, undefined);
    },
  },
  {
    title: 'StatCommitted',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const p = await prepareMounted(t, sn, work, 'preparing', '');
      await withMounted(p.mounts, p.target, () => writeFile(join(p.target, 'foo'), 'foo\n', { mode: 0o777 }));
      await sn.commit('committed', 'preparing', opt);
      const si = await sn.stat('committed');
      t.is(si.name, 'committed');
      t.is(si.kind, 'committed');
      t.is(si.parent, undefined);
    },
  },
  {
    title: 'Transitivity',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const p = await prepareMounted(t, sn, work, 'preparing', '');
      await withMounted(p.mounts, p.target, () => writeFile(join(p.target, 'foo'), 'foo\n'));
      await sn.commit('snapA', 'preparing', opt);
      const n = await prepareMounted(t, sn, work, 'next', 'snapA');
      await withMounted(n.mounts, n.target, () => writeFile(join(n.target, 'foo'), 'foo bar\n'));
      await sn.commit('snapB', 'next', opt);
      const siA = await sn.stat('snapA');
      const siB = await sn.stat('snapB');
      const siParentB = await sn.stat(siB.parent as string);
      t.is(siA.parent, undefined);
      t.is(siB.parent, 'snapA');
      t.is(siParentB.parent, undefined);
    },
  },
  {
    title: 'LayerFileUpdate',
    mounts: true,
    async run(c) {
      const l1 = [
        createDir('etc', 0o700),
        createFile('etc/hosts', 'mydomain 10.0.0.1', 0o644),
        createFile('etc/profile', 'PATH=/usr/bin', 0o644),
      ];
      const l2 = [
        createFile('etc/hosts', 'mydomain 10.0.0.2', 0o644),
        createFile('etc/profile', 'PATH=/usr/bin', 0o666),
        createDir('root', 0o700),
        createFile('root/.bashrc', 'PATH=/usr/sbin:/usr/bin', 0o644),
      ];
      // Five times, as containerd does, each run after a second boundary (mtime-granularity bugs).
      for (let run = 0; run < 5; run++) {
        if (run > 0) await sleep(1000 - (Date.now() % 1000));
        await checkLayers(c, l1, l2);
      }
    },
  },
  {
    title: 'RemoveDirectoryInLowerLayer',
    mounts: true,
    run: (c) =>
      checkLayers(
        c,
        [createDir('lib', 0o700), createFile('lib/hidden', '', 0o644)],
        [removeAll('lib'), createDir('lib', 0o700), createFile('lib/not-hidden', '', 0o644)],
        [createFile('lib/newfile', '', 0o644)],
      ),
  },
  {
    title: 'Chown',
    mounts: true,
    run: (c) =>
      checkLayers(
        c,
        [createDir('opt', 0o700), createDir('opt/a', 0o700), createDir('opt/a/b', 0o700), createFile('opt/a/b/file.txt', 'hello', 0o644)],
        [chown('opt', 1, 1), chown('opt/a', 1, 1), chown('opt/a/b', 1, 1), chown('opt/a/b/file.txt', 1, 1)],
      ),
  },
  {
    title: 'DirectoryPermissionOnCommit',
    mounts: true,
    run: (c) =>
      checkLayers(
        c,
        [
          createDir('dir1', 0o700),
          createDir('dir2', 0o700),
          createDir('dir3', 0o700),
          createDir('dir4', 0o700),
          createFile('dir4/f1', '...', 0o644),
          createDir('dir5', 0o700),
          createFile('dir5/f1', '...', 0o644),
          chown('dir1', 1, 1),
          chown('dir2', 1, 1),
          chown('dir3', 1, 1),
          chown('dir5', 1, 1),
          chown('dir5/f1', 1, 1),
        ],
        [chown('dir2', 0, 0), removeAll('dir3'), chown('dir4', 1, 1), chown('dir4/f1', 1, 1)],
        [createDir('dir3', 0o700), chown('dir3', 1, 1), removeAll('dir5'), createDir('dir5', 0o700), chown('dir5', 1, 1)],
      ),
  },
  {
    title: 'DeletedFilesInChildSnapshot',
    mounts: true,
    run: (c) =>
      checkLayers(c, [createFile('foo', 'foo\n', 0o777), createFile('foobar', 'foobar\n', 0o777)], [removeAll('foobar')], []),
  },
  {
    title: 'MoveFileFromLowerLayer',
    mounts: true,
    run: (c) =>
      checkLayers(
        c,
        [createDir('dir1', 0o700), createFile('dir1/f1', 'Hello', 0o644), createDir('dir2', 0o700), createFile('dir2/f2', '...', 0o644)],
        [
          createDir('dir3', 0o700),
          createFile('dir3/f1', 'Hello', 0o644),
          removeAll('dir1'),
          hardlink('dir2/f2', 'dir3/f2'),
          removeAll('dir2/f2'),
        ],
      ),
  },
  {
    title: 'HardlinksInLowerLayer',
    mounts: true,
    run: (c) =>
      checkLayers(
        c,
        [createDir('bin', 0o755), createFile('bin/busybox', 'multi-call\n', 0o755), hardlink('bin/busybox', 'bin/sh')],
        // Linking a lower file from an upper layer copies it up and splits the group on
        // overlayfs without index=on, so only links made within one layer are checked.
        [createFile('bin/other', 'other\n', 0o755)],
        [createFile('sbin-tool', 'tool\n', 0o755), hardlink('sbin-tool', 'sbin-alias')],
      ),
  },
  {
    title: 'Rename',
    mounts: true,
    run: (c) =>
      checkLayers(
        c,
        [
          createDir('dir1', 0o700),
          createDir('somefiles', 0o700),
          createFile('somefiles/f1', 'was here first!', 0o644),
          createFile('somefiles/f2', 'nothing interesting', 0o644),
        ],
        [
          ...(c.options.renameLowerDirectory ? [renamePath('dir1', 'dir2')] : []),
          createFile('somefiles/f1-overwrite', 'new content 1', 0o644),
          renamePath('somefiles/f1-overwrite', 'somefiles/f1'),
          renamePath('somefiles/f2', 'somefiles/f3'),
        ],
      ),
  },
  {
    title: 'ViewReadonly',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      await sn.prepare('preparing', '', opt);
      await sn.commit('committed', 'preparing', opt);
      for (const [key, parent] of [
        ['view', 'committed'],
        ['view-empty', ''],
      ] as const) {
        const m = await sn.view(key, parent, opt);
        const target = join(work, `${key}-mount`);
        const err = await withMounted(m, target, () =>
          writeFile(join(target, 'testfile'), 'testcontent').then(
            () => undefined,
            (e: NodeJS.ErrnoException) => e,
          ),
        );
        t.truthy(err, `writing into view ${key} must fail`);
        t.is(err?.code, 'EROFS', `view ${key}: EROFS expected`);
        await sn.remove(key);
      }
      // Two parents: the view is an overlay without upper.
      await sn.prepare('second', 'committed', opt);
      await sn.commit('committed2', 'second', opt);
      const m = await sn.view('view2', 'committed2', opt);
      const target = join(work, 'view2-mount');
      const err = await withMounted(m, target, () =>
        writeFile(join(target, 'testfile'), 'x').then(
          () => undefined,
          (e: NodeJS.ErrnoException) => e,
        ),
      );
      t.truthy(err, 'writing into a two-parent view must fail');
      // containerd's check ends by removing the view and the snapshot it showed.
      for (const key of ['view2', 'committed2', 'committed']) await sn.remove(key);
      t.deepEqual(await walkNames(sn), []);
    },
  },
  {
    title: 'RootPermission',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const p = await prepareMounted(t, sn, work, 'preparing', '');
      const mode = await withMounted(p.mounts, p.target, async () => (await stat(p.target)).mode & 0o777);
      t.is(mode.toString(8), '755');
    },
  },
  {
    title: 'Usage',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const p = await prepareMounted(t, sn, work, 'usage-a', '');
      const empty = await sn.usage('usage-a');
      t.true(empty.inodes >= 1, 'an empty active snapshot has its root inode');
      const data = Buffer.alloc(64 * 1024, 1);
      await withMounted(p.mounts, p.target, async () => {
        await writeFile(join(p.target, 'big'), data);
        await mkdir(join(p.target, 'dir'));
        await writeFile(join(p.target, 'dir', 'small'), 'x');
        await hardlink('big', 'dir/big-link')(p.target);
      });
      const live = await sn.usage('usage-a');
      t.is(live.inodes - empty.inodes, 3, 'big, dir and small; the hard link counted once');
      t.true(live.size - empty.size >= data.length, `size grew by at least 64 KiB (${empty.size} -> ${live.size})`);
      t.true(live.size - empty.size < 3 * data.length, 'the hard link is not counted twice');
      await sn.commit('usage-c', 'usage-a', opt);
      t.deepEqual(await sn.usage('usage-c'), live, 'committed usage is what was measured at commit');
      await sn.view('usage-v', 'usage-c', opt);
      t.deepEqual(await sn.usage('usage-v'), { size: 0, inodes: 0 }, 'a view reports zero');
      const child = await sn.prepare('usage-child', 'usage-c', opt);
      t.true(child.length > 0);
      const own = await sn.usage('usage-child');
      t.true(own.size < data.length, 'an active child counts only its own layer');
    },
  },
];
