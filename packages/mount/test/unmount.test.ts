import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isInvalidArgument } from '@proj/errdefs';
import { mount, mountsUnder, unmount, unmountAll, unmountRecursive } from '@proj/mount';
import { rootTest, tempRoot } from '@proj/testkit';

const rtest = rootTest(test);
const tmpfs = (source: string) => ({ type: 'tmpfs', source, options: ['size=1m'] });

rtest('unmountAll on a stacked mountpoint leaves nothing', async (t) => {
  const target = join(await tempRoot(t), 'mnt');
  await mkdir(target);
  for (const name of ['one', 'two', 'three', 'four']) await mount(tmpfs(name), target);
  t.is((await mountsUnder(target)).length, 4);
  await unmountAll(target);
  t.deepEqual(await mountsUnder(target), []);
});

rtest('unmount takes the top of the stack only', async (t) => {
  const target = join(await tempRoot(t), 'mnt');
  await mkdir(target);
  await mount(tmpfs('bottom'), target);
  await mount(tmpfs('top'), target);
  await unmount(target);
  const left = await mountsUnder(target);
  t.deepEqual(left.map((m) => m.source), ['bottom']);
  await unmount(target);
});

rtest('unmountRecursive takes nested mounts, deepest first', async (t) => {
  const root = await tempRoot(t);
  const outer = join(root, 'outer');
  await mkdir(outer);
  await mount(tmpfs('outer'), outer);
  await mkdir(join(outer, 'a', 'b'), { recursive: true });
  await mount(tmpfs('a'), join(outer, 'a'));
  await mkdir(join(outer, 'a', 'b'));
  await mount(tmpfs('b'), join(outer, 'a', 'b'));
  await unmountRecursive(outer);
  t.deepEqual(await mountsUnder(outer), []);
});

rtest('unmountRecursive through a symlink takes the nested mounts too', async (t) => {
  const root = await tempRoot(t);
  const outer = join(root, 'outer');
  const link = join(root, 'link');
  await mkdir(outer);
  await symlink(outer, link);
  await mount(tmpfs('outer'), outer);
  await mkdir(join(outer, 'inner'));
  await mount(tmpfs('inner'), join(outer, 'inner'));
  await unmountRecursive(link);
  t.deepEqual(await mountsUnder(outer), []);
});

rtest('unmount of something not mounted is InvalidArgument naming the path', async (t) => {
  const target = join(await tempRoot(t), 'plain');
  await mkdir(target);
  const err = await t.throwsAsync(unmount(target));
  t.true(isInvalidArgument(err));
  t.true(err!.message.includes(target));
});

test('unmountAll of an empty or missing path is a no-op', async (t) => {
  await unmountAll('');
  await unmountAll('/no/such/mountpoint');
  t.pass();
});
