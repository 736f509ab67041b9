import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { lookup, mount, mountAll, mountsUnder, unmount, unmountAll } from '@proj/mount';
import { rootTest, tempRoot } from '@proj/testkit';
import { overlayMount } from './helpers.js';

const rtest = rootTest(test);

async function dirs(root: string, ...names: string[]): Promise<string[]> {
  return Promise.all(names.map(async (name) => {
    const path = join(root, name);
    await mkdir(path, { recursive: true });
    return path;
  }));
}

rtest('tmpfs: mounted with its options, files live in it, unmounted cleanly', async (t) => {
  const [target] = await dirs(await tempRoot(t), 'mnt');
  await mount({ type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'mode=0750', 'nosuid', 'nodev'] }, target!);
  const info = await lookup(target!);
  t.is(info.fstype, 'tmpfs');
  t.is(info.mountpoint, target!);
  t.regex(info.options, /nosuid/);
  t.regex(info.options, /nodev/);
  t.regex(info.vfsOptions, /size=1024k/);
  t.is((await stat(target!)).mode & 0o777, 0o750);
  await writeFile(join(target!, 'f'), 'x');
  await unmount(target!);
  t.deepEqual(await readdir(target!), []);
});

rtest('bind: the source is seen at the target; ro makes it read-only', async (t) => {
  const [source, target] = await dirs(await tempRoot(t), 'src', 'mnt');
  await writeFile(join(source!, 'hello'), 'world');
  await mount({ type: 'bind', source: source!, options: ['bind', 'ro'] }, target!);
  t.is(await readFile(join(target!, 'hello'), 'utf8'), 'world');
  t.regex((await lookup(target!)).options, /^ro\b/);
  const err = await t.throwsAsync(writeFile(join(target!, 'new'), 'x'));
  t.is((err as NodeJS.ErrnoException).code, 'EROFS');
  await unmount(target!);
});

rtest('rbind carries submounts; bind does not', async (t) => {
  const root = await tempRoot(t);
  const [source, inner, recursive, plain] = await dirs(root, 'src', 'src/inner', 'rbind', 'bind');
  await mount({ type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }, inner!);
  t.teardown(() => unmountAll(inner!));
  await writeFile(join(inner!, 'deep'), 'seen');
  await mount({ type: 'none', source: source!, options: ['rbind'] }, recursive!);
  await mount({ type: 'none', source: source!, options: ['bind'] }, plain!);
  t.is(await readFile(join(recursive!, 'inner', 'deep'), 'utf8'), 'seen');
  t.deepEqual(await readdir(join(plain!, 'inner')), []);
  await unmount(plain!);
  // rbind brought the submount along: unmount it before its parent.
  for (const entry of await mountsUnder(recursive!)) await unmount(entry.mountpoint);
  await unmount(inner!);
});

rtest('propagation: rshared and rprivate are applied', async (t) => {
  const [source, target] = await dirs(await tempRoot(t), 'src', 'mnt');
  await mount({ type: 'bind', source: source!, options: ['rbind', 'rshared'] }, target!);
  t.true((await lookup(target!)).optional.some((field) => field.startsWith('shared:')));
  await unmount(target!);
  await mount({ type: 'bind', source: source!, options: ['rbind', 'rprivate'] }, target!);
  t.false((await lookup(target!)).optional.some((field) => field.startsWith('shared:')));
  await unmount(target!);
});

rtest('remount,bind,ro turns an existing bind read-only in place', async (t) => {
  const [source, target] = await dirs(await tempRoot(t), 'src', 'mnt');
  await mount({ type: 'bind', source: source!, options: ['bind'] }, target!);
  await writeFile(join(target!, 'before'), 'x');
  await mount({ type: 'bind', source: source!, options: ['remount', 'bind', 'ro'] }, target!);
  t.is((await mountsUnder(target!)).length, 1, 'no second mount stacked');
  t.regex((await lookup(target!)).options, /^ro\b/);
  await t.throwsAsync(writeFile(join(target!, 'after'), 'x'));
  await unmount(target!);
});

rtest('overlay: lower files, upper writes, whiteouts for deletions', async (t) => {
  const root = await tempRoot(t);
  const [lower1, lower2, upper, work, target] = await dirs(root, 'l1', 'l2', 'upper', 'work', 'mnt');
  await writeFile(join(lower1!, 'a'), 'top a');
  await writeFile(join(lower2!, 'a'), 'bottom a');
  await writeFile(join(lower2!, 'b'), 'b');
  await mount(overlayMount([lower1!, lower2!], { upperdir: upper!, workdir: work! }), target!);
  t.deepEqual((await readdir(target!)).sort(), ['a', 'b']);
  t.is(await readFile(join(target!, 'a'), 'utf8'), 'top a');
  await writeFile(join(target!, 'c'), 'new');
  const { rm } = await import('node:fs/promises');
  await rm(join(target!, 'b'));
  t.deepEqual((await readdir(target!)).sort(), ['a', 'c']);
  t.is(await readFile(join(upper!, 'c'), 'utf8'), 'new');
  t.true((await stat(join(upper!, 'b'))).isCharacterDevice(), 'deletion recorded as a whiteout');
  t.is(await readFile(join(lower2!, 'b'), 'utf8'), 'b', 'lower layers untouched');
  await unmount(target!);
});

rtest('overlay through the new mount API gives the same view', async (t) => {
  const root = await tempRoot(t);
  const [lower, upper, work, target] = await dirs(root, 'l', 'upper', 'work', 'mnt');
  await writeFile(join(lower!, 'x'), 'x');
  await mount(overlayMount([lower!], { upperdir: upper!, workdir: work! }), target!, { newMountApi: 'always' });
  t.regex((await lookup(target!)).vfsOptions, /lowerdir\+=/);
  t.is(await readFile(join(target!, 'x'), 'utf8'), 'x');
  await writeFile(join(target!, 'y'), 'y');
  t.is(await readFile(join(upper!, 'y'), 'utf8'), 'y');
  await unmount(target!);
});

rtest('read-only overlay (a view) with lowers only', async (t) => {
  const root = await tempRoot(t);
  const [l1, l2, target] = await dirs(root, 'l1', 'l2', 'mnt');
  await writeFile(join(l2!, 'f'), 'f');
  for (const newMountApi of ['never', 'always'] as const) {
    await mount(overlayMount([l1!, l2!]), target!, { newMountApi });
    t.is(await readFile(join(target!, 'f'), 'utf8'), 'f');
    await t.throwsAsync(writeFile(join(target!, 'g'), 'g'));
    await unmount(target!);
  }
});

rtest('mountAll stacks in order and the top one is seen', async (t) => {
  const [target] = await dirs(await tempRoot(t), 'mnt');
  await mountAll(
    [
      { type: 'tmpfs', source: 'first', options: ['size=1m'] },
      { type: 'tmpfs', source: 'second', options: ['size=2m'] },
    ],
    target!,
  );
  t.is((await lookup(target!)).source, 'second');
  t.is((await mountsUnder(target!)).length, 2);
  await unmountAll(target!);
  t.deepEqual(await mountsUnder(target!), []);
});
