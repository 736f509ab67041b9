import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isInvalidArgument } from '@proj/errdefs';
import { lookup, mount, mountsUnder, unmount } from '@proj/mount';
import { rootTest, tempRoot } from '@proj/testkit';
import { makeLayers, overlayMount } from './helpers.js';

const rtest = rootTest(test);

async function mountChain(t: Parameters<Parameters<typeof rtest>[1]>[0], count: number, newMountApi: 'auto' | 'never', leaf = 'fs') {
  const root = await tempRoot(t);
  const layers = await makeLayers(root, count, leaf);
  const upperdir = join(root, 'upper');
  const workdir = join(root, 'work');
  const target = join(root, 'mnt');
  await Promise.all([mkdir(upperdir), mkdir(workdir), mkdir(target)]);
  const m = overlayMount([...layers].reverse(), { upperdir, workdir });
  return { root, layers, target, m, run: () => mount(m, target, { newMountApi }) };
}

rtest('500 lower layers (the kernel limit) mount with the new mount API', async (t) => {
  const { target, m, run } = await mountChain(t, 500, 'auto');
  t.true(m.options.join(',').length > 4096, 'the option string passes the page-size limit');
  await run();
  const names = await readdir(target);
  t.is(names.length, 501);
  t.is(await readFile(join(target, 'layer-0'), 'utf8'), '0');
  t.is(await readFile(join(target, 'layer-499'), 'utf8'), '499');
  t.is(await readFile(join(target, 'top'), 'utf8'), 'from layer 499');
  t.regex((await lookup(target)).vfsOptions, /lowerdir\+=/);
  await unmount(target);
});

rtest('with the new mount API off, 500 short-named layers still fit as relative paths', async (t) => {
  const { target, run } = await mountChain(t, 500, 'never');
  await run();
  t.is((await readdir(target)).length, 501);
  await unmount(target);
});

rtest('with the new mount API off, 128 layers still mount through relative paths', async (t) => {
  const { target, m, run } = await mountChain(t, 128, 'never');
  t.true(m.options.join(',').length > 4096, 'the absolute option string passes the page-size limit');
  await run();
  t.is((await readdir(target)).length, 129);
  t.is(await readFile(join(target, 'top'), 'utf8'), 'from layer 127');
  t.notRegex((await lookup(target)).vfsOptions, /lowerdir\+=/);
  await unmount(target);
});

rtest('with the new mount API off, a chain too long even as relative paths fails clearly, nothing mounted', async (t) => {
  const { root, run } = await mountChain(t, 500, 'never', 'a-rather-long-layer-directory-name');
  const err = await t.throwsAsync(run());
  t.true(isInvalidArgument(err));
  t.regex(err!.message, /page-size limit/);
  t.deepEqual(await mountsUnder(root), []);
});
