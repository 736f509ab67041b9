import { lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mountAll, unmountAll } from '@proj/mount';
import { createOverlaySnapshotter } from '@proj/snapshots-overlay';
import { rootTest, tempRoot } from '@proj/testkit';
import test from 'ava';

const rtest = rootTest(test);

rtest('a file deleted through the mount becomes a whiteout in the upper dir, hidden in views', async (t) => {
  const dir = await tempRoot(t);
  const sn = await createOverlaySnapshotter(join(dir, 'root'));
  t.teardown(() => sn.close());
  const target = join(dir, 'mnt');
  await mkdir(target);

  await mountAll(await sn.prepare('base-a'), target);
  try {
    await writeFile(join(target, 'gone'), 'x');
    await mkdir(join(target, 'dir'));
    await writeFile(join(target, 'dir', 'kept'), 'y');
  } finally {
    await unmountAll(target);
  }
  await sn.commit('base', 'base-a');

  await mountAll(await sn.prepare('top-a', 'base'), target);
  try {
    await rm(join(target, 'gone'));
    await rm(join(target, 'dir'), { recursive: true });
    await mkdir(join(target, 'dir'));
  } finally {
    await unmountAll(target);
  }
  const upper = sn.layout.upper('2');
  const whiteout = await lstat(join(upper, 'gone'));
  t.true(whiteout.isCharacterDevice() && whiteout.rdev === 0, 'deletion recorded as a 0:0 character device');
  await sn.commit('top', 'top-a');

  await mountAll(await sn.view('look', 'top'), target);
  try {
    t.deepEqual(await readdir(target), ['dir'], 'the whiteout hides the lower file');
    t.deepEqual(await readdir(join(target, 'dir')), [], 'the recreated directory is opaque');
  } finally {
    await unmountAll(target);
  }
});
