import { execFileSync } from 'node:child_process';
import { mkdir, readdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isFailedPrecondition, isUnknown } from '@proj/errdefs';
import { newBundle } from '@proj/bundle';
import { mountsUnder, rootTest, tempRoot } from '@proj/testkit';
import { tree } from './helpers/tree.js';

const rtest = rootTest(test);
const spec = { ociVersion: '1.0.2' };

async function setup(t: Parameters<typeof tempRoot>[0], id = 'c1') {
  const base = await tempRoot(t, 'proj-bundle-');
  const root = join(base, 'root');
  const state = join(base, 'state');
  const bundle = await newBundle({ root, state, namespace: 'default', id, spec });
  return { base, root, state, bundle };
}

function mountTmpfs(t: Parameters<typeof tempRoot>[0], target: string) {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', target]);
  // Safety net only: delete() must already have unmounted it.
  t.teardown(() => {
    for (let i = 0; i < 8 && mountsUnder(target).length > 0; i++) execFileSync('umount', ['-l', target]);
  });
}

test('delete removes the bundle and the work dir, leaving the namespace dirs', async (t) => {
  const { base, bundle } = await setup(t);
  await writeFile(join(bundle.path, 'address'), 'unix:///x');
  await writeFile(join(base, 'root', 'default', 'c1', 'criu-work'), 'w');
  await bundle.delete();
  t.deepEqual(await tree(base), ['root/ 711', 'root/default/ 711', 'state/ 711', 'state/default/ 711']);
});

test('delete of a bundle that is already gone succeeds', async (t) => {
  const { base, bundle } = await setup(t);
  await bundle.delete();
  await bundle.delete();
  t.deepEqual(await readdir(join(base, 'state', 'default')), []);
});

test('delete clears a hidden leftover of an earlier interrupted delete', async (t) => {
  const { base, bundle } = await setup(t);
  await mkdir(join(base, 'state', 'default', '.c1', 'rootfs'), { recursive: true });
  await mkdir(join(base, 'root', 'default', '.c1', 'x'), { recursive: true });
  await bundle.delete();
  t.deepEqual(await readdir(join(base, 'state', 'default')), []);
  t.deepEqual(await readdir(join(base, 'root', 'default')), []);
});

test('delete refuses to remove a rootfs that is not empty (it may be a container rootfs) and keeps the bundle', async (t) => {
  const { bundle } = await setup(t);
  await writeFile(join(bundle.rootfs, 'etc-passwd'), 'root:x:0:0');
  const error = await t.throwsAsync(bundle.delete());
  t.true(isFailedPrecondition(error), error?.message);
  t.true(error!.message.includes(bundle.rootfs));
  t.deepEqual(await readdir(bundle.rootfs), ['etc-passwd']);
});

test('delete does not follow a work link that points outside <root>/<ns>/<id>, but still removes the bundle', async (t) => {
  const { base, bundle } = await setup(t);
  const elsewhere = join(base, 'precious');
  await mkdir(elsewhere);
  await writeFile(join(elsewhere, 'data'), 'keep me');
  await unlink(join(bundle.path, 'work'));
  await symlink(elsewhere, join(bundle.path, 'work'));
  const error = await t.throwsAsync(bundle.delete());
  t.regex(error!.message, /not a work dir of "default\/c1"/);
  t.deepEqual(await readdir(elsewhere), ['data']);
  t.deepEqual(await readdir(join(base, 'state', 'default')), []);
});

rtest('delete with tmpfs mounts on rootfs (stacked and nested) unmounts them all and leaves nothing', async (t) => {
  const { base, bundle } = await setup(t);
  mountTmpfs(t, bundle.rootfs);
  mountTmpfs(t, bundle.rootfs); // a stack: two mounts on the same point
  await mkdir(join(bundle.rootfs, 'proc'));
  mountTmpfs(t, join(bundle.rootfs, 'proc')); // a nested mount below it
  await writeFile(join(bundle.rootfs, 'proc', 'file'), 'data in tmpfs');
  t.is(mountsUnder(bundle.rootfs).length, 3);
  await bundle.delete();
  t.deepEqual(mountsUnder(base), []);
  t.deepEqual(await tree(base), ['root/ 711', 'root/default/ 711', 'state/ 711', 'state/default/ 711']);
});

rtest('when both the bundle and the work dir cannot be removed, delete tries both and reports both', async (t) => {
  const { base, root, bundle } = await setup(t);
  const work = join(root, 'default', 'c1');
  // A mount point cannot be renamed (EBUSY): pin both directories with a tmpfs each.
  mountTmpfs(t, bundle.path);
  mountTmpfs(t, work);
  await mkdir(join(bundle.path, 'rootfs'));
  await symlink(work, join(bundle.path, 'work'));
  const error = await t.throwsAsync(bundle.delete());
  t.true(isUnknown(error), error?.message);
  t.true(error!.message.includes(`remove bundle ${bundle.path}`), error!.message);
  t.true(error!.message.includes(`remove work dir ${work}`), error!.message);
  t.is((error!.cause as AggregateError).errors.length, 2);
  execFileSync('umount', [bundle.path]);
  execFileSync('umount', [work]);
  await bundle.delete();
  t.deepEqual(mountsUnder(base), []);
  t.deepEqual(await readdir(join(base, 'state', 'default')), []);
});
