import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isNotFound, NotFoundError } from '@proj/errdefs';
import { mount, mountsUnder, unmountRecursive, withTempMount } from '@proj/mount';
import { rootTest, tempRoot } from '@proj/testkit';

const rtest = rootTest(test);

rtest('withTempMount mounts, runs, unmounts and removes the dir', async (t) => {
  const source = join(await tempRoot(t), 'src');
  await mkdir(source);
  await writeFile(join(source, 'f'), 'content');
  let seen = '';
  const result = await withTempMount([{ type: 'bind', source, options: ['rbind', 'ro'] }], async (root) => {
    seen = root;
    t.is((await mountsUnder(root)).length, 1);
    return readFile(join(root, 'f'), 'utf8');
  });
  t.is(result, 'content');
  t.deepEqual(await mountsUnder(seen), []);
  await t.throwsAsync(access(seen));
});

rtest('withTempMount cleans up when the callback throws', async (t) => {
  let seen = '';
  const err = await t.throwsAsync(
    withTempMount([{ type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }], (root) => {
      seen = root;
      throw new Error('callback failed');
    }),
  );
  t.is(err!.message, 'callback failed');
  t.deepEqual(await mountsUnder(seen), []);
  await t.throwsAsync(access(seen));
});

rtest('withTempMount removes its dir when the mount itself fails', async (t) => {
  const base = await tempRoot(t);
  await t.throwsAsync(withTempMount([{ type: 'nosuchfs', source: 'x', options: [] }], () => 'never', { tempDir: base }));
  const { readdir } = await import('node:fs/promises');
  t.deepEqual(await readdir(base), []);
});

rtest('withTempMount reports both when the callback throws and the unmount then fails', async (t) => {
  const base = await tempRoot(t);
  let seen = '';
  const callbackError = new NotFoundError('layer "x" is missing');
  const err = await t.throwsAsync(
    withTempMount(
      [{ type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }],
      async (root) => {
        seen = root;
        // A mount inside the temp mount keeps it busy: its unmount fails (EBUSY).
        await mkdir(join(root, 'pinned'));
        await mount({ type: 'tmpfs', source: 'pin', options: ['size=1m'] }, join(root, 'pinned'));
        throw callbackError;
      },
      { tempDir: base },
    ),
  );
  await unmountRecursive(seen);
  await rmdir(seen);
  t.true(isNotFound(err), err?.message);
  t.is(err!.cause, callbackError);
  t.regex(err!.message, /unmount ".*": .*; before that: layer "x" is missing$/);
});
