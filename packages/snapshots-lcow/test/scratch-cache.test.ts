import { execFile } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { isUnknown } from '@proj/errdefs';
import { SCRATCH_FILE, ScratchCache } from '@proj/snapshots-lcow';
import { tempRoot } from '@proj/testkit';
import { countingCreator } from './helpers/counting-creator.js';
import { qemuImgInfo, qemuImgSame } from './helpers/qemu.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('fixtures/ensure-scratch.mjs', import.meta.url));

test('10 concurrent ensures in one process create the scratch once', async (t) => {
  const root = await tempRoot(t);
  const { creator, state } = countingCreator({ delayMs: 100 });
  const cache = new ScratchCache(root, creator);
  const paths = await Promise.all(Array.from({ length: 10 }, () => cache.ensure()));
  t.is(state.calls, 1);
  t.true(paths.every((p) => p === join(root, SCRATCH_FILE)));
  t.is((await qemuImgInfo(cache.path)).format, 'vhdx');
  await cache.ensure();
  t.is(state.calls, 1, 'an existing scratch is reused');
  t.is(await new ScratchCache(root, creator).ensure(), cache.path);
  t.is(state.calls, 1, 'a new cache on the same root finds it');
});

test('4 processes racing on one root create the scratch once (file lock)', async (t) => {
  const root = await tempRoot(t);
  const counter = join(root, 'creations');
  const outputs = await Promise.all(
    Array.from({ length: 4 }, () => run(process.execPath, [child, root, counter]).then((r) => r.stdout)),
  );
  t.deepEqual(outputs, Array(4).fill(join(root, SCRATCH_FILE)));
  t.is((await readFile(counter, 'utf8')).trim().split('\n').length, 1);
  t.is((await qemuImgInfo(join(root, SCRATCH_FILE))).format, 'vhdx');
});

test('copies are valid VHDX files identical to the cache, written sparsely', async (t) => {
  const root = await tempRoot(t);
  const { creator } = countingCreator();
  const cache = new ScratchCache(root, creator);
  const copy = join(root, 'sandbox.vhdx');
  await cache.copyTo(copy);
  t.true((await readFile(copy)).equals(await readFile(cache.path)), "the copy has the same bytes");
  const copied = await stat(copy);
  t.true(copied.blocks * 512 < copied.size, 'zero runs stay holes');
  t.is((await qemuImgInfo(copy)).format, 'vhdx');
  await t.throwsAsync(cache.copyTo(copy), { code: 'EEXIST' });
});

test('a failed creation leaves nothing behind, keeps the error class, and the next call retries', async (t) => {
  const root = await tempRoot(t);
  const { creator, state } = countingCreator({ failTimes: 1 });
  const cache = new ScratchCache(root, creator);
  const errors = await Promise.all([cache.ensure(), cache.ensure()].map((p) => p.then(() => undefined, (e: unknown) => e)));
  t.is(state.calls, 1);
  t.true(errors.every((e) => isUnknown(e)));
  t.regex((errors[0] as Error).message, /creating .*scratch\.vhdx with counting: injected failure/);
  t.deepEqual((await readdir(root)).filter((n) => n !== 'scratch.lock'), []);
  await cache.ensure();
  t.is(state.calls, 2);
});

test('leftovers of a crashed creation are removed before the next one', async (t) => {
  const root = await tempRoot(t);
  await writeFile(join(root, 'scratch-0123456789ab-tmp.vhdx'), 'half');
  await writeFile(join(root, 'scratch-0123456789ab-tmp.vhdx.a1b2c3d4e5f6.raw'), 'half');
  const { creator } = countingCreator();
  await new ScratchCache(root, creator).ensure();
  t.deepEqual((await readdir(root)).sort(), ['scratch.lock', 'scratch.vhdx']);
});

test('the cached scratch and a copy read as the same disk', async (t) => {
  const root = await tempRoot(t);
  const cache = new ScratchCache(root, countingCreator().creator);
  await cache.copyTo(join(root, 'a.vhdx'));
  const raw = join(root, 'a.raw');
  await run('qemu-img', ['convert', '-O', 'raw', cache.path, raw]);
  t.true(await qemuImgSame(raw, join(root, 'a.vhdx')));
});
