import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isInvalidArgument, isNotFound } from '@proj/errdefs';
import { type Mount, mount, mountAll, mountsUnder } from '@proj/mount';
import { rootTest, tempRoot } from '@proj/testkit';

const rtest = rootTest(test);

async function target(t: Parameters<Parameters<typeof rtest>[1]>[0]): Promise<{ root: string; mnt: string }> {
  const root = await tempRoot(t);
  const mnt = join(root, 'mnt');
  await mkdir(mnt);
  return { root, mnt };
}

rtest('an unknown mount type is InvalidArgument naming the type', async (t) => {
  const { root, mnt } = await target(t);
  const err = await t.throwsAsync(mount({ type: 'nosuchfs', source: 'x', options: [] }, mnt));
  t.true(isInvalidArgument(err));
  t.regex(err!.message, /unknown mount type "nosuchfs"/);
  t.deepEqual(await mountsUnder(root), []);
});

rtest('a missing bind source is NotFound naming the source', async (t) => {
  const { root, mnt } = await target(t);
  const source = join(root, 'missing');
  const err = await t.throwsAsync(mount({ type: 'bind', source, options: ['rbind'] }, mnt));
  t.true(isNotFound(err));
  t.true(err!.message.includes(source));
  t.deepEqual(await mountsUnder(root), []);
});

rtest('a missing overlay layer is NotFound naming the layer', async (t) => {
  const { root, mnt } = await target(t);
  const lower = join(root, 'no-layer');
  const err = await t.throwsAsync(mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${root}:${lower}`] }, mnt));
  t.true(isNotFound(err));
  t.true(err!.message.includes(lower));
  t.deepEqual(await mountsUnder(root), []);
});

rtest('a missing target is NotFound naming it', async (t) => {
  const { root } = await target(t);
  const missing = join(root, 'nope');
  const err = await t.throwsAsync(mount({ type: 'tmpfs', source: 'tmpfs', options: [] }, missing));
  t.true(isNotFound(err));
  t.true(err!.message.includes(missing));
});

test('a relative target is InvalidArgument naming it', async (t) => {
  const err = await t.throwsAsync(mount({ type: 'tmpfs', source: 'tmpfs', options: [] }, 'relative/dir'));
  t.true(isInvalidArgument(err));
  t.regex(err!.message, /"relative\/dir" must be an absolute path/);
});

rtest('a malformed option is InvalidArgument naming it, nothing mounted', async (t) => {
  const { root, mnt } = await target(t);
  const err = await t.throwsAsync(mount({ type: 'tmpfs', source: 'tmpfs', options: ['size=1m,mode=0'] }, mnt));
  t.true(isInvalidArgument(err));
  t.regex(err!.message, /"size=1m,mode=0"/);
  t.deepEqual(await mountsUnder(root), []);
});

rtest('a bad data option the kernel refuses is InvalidArgument, nothing mounted', async (t) => {
  const { root, mnt } = await target(t);
  const err = await t.throwsAsync(mount({ type: 'tmpfs', source: 'tmpfs', options: ['size=lots'] }, mnt));
  t.true(isInvalidArgument(err));
  t.regex(err!.message, /mount tmpfs "tmpfs" on/);
  t.deepEqual(await mountsUnder(root), []);
});

rtest('mountAll undoes the mounts it made when a later one fails', async (t) => {
  const { root, mnt } = await target(t);
  const mounts: Mount[] = [
    { type: 'tmpfs', source: 'first', options: ['size=1m'] },
    { type: 'tmpfs', source: 'second', options: ['size=1m'] },
    { type: 'nosuchfs', source: 'third', options: [] },
  ];
  await t.throwsAsync(mountAll(mounts, mnt));
  t.deepEqual(await mountsUnder(root), []);
});

test('a mount without a type is InvalidArgument', async (t) => {
  const err = await t.throwsAsync(mount({ type: '', source: 'x', options: [] }, '/tmp'));
  t.true(isInvalidArgument(err));
});
