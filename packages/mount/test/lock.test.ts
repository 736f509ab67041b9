import { closeSync, openSync } from 'node:fs';
import { lstat, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { isAlreadyExists, isNotFound, isUnavailable } from '@proj/errdefs';
import { flock, mkfifo } from '@proj/mount';
import { tempRoot } from '@proj/testkit';

test('an exclusive flock excludes a second open file until released', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'lock');
  await writeFile(path, '');
  const first = await open(path, 'r');
  const second = await open(path, 'r');
  t.teardown(() => Promise.all([first.close(), second.close()]));
  await flock(first, 'exclusive');
  const err = await t.throwsAsync(flock(second, 'exclusive', { nonBlocking: true }));
  t.true(isUnavailable(err));
  t.regex(err!.message, /held by another process/);
  t.true(isUnavailable(await t.throwsAsync(flock(second.fd, 'shared', { nonBlocking: true }))));
  await flock(first, 'unlock');
  await flock(second, 'exclusive', { nonBlocking: true });
  t.pass();
});

test('shared locks coexist', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'lock');
  await writeFile(path, '');
  const a = await open(path, 'r');
  const b = await open(path, 'r');
  t.teardown(() => Promise.all([a.close(), b.close()]));
  await flock(a, 'shared');
  await flock(b, 'shared', { nonBlocking: true });
  t.pass();
});

test('a blocking flock waits for the holder without blocking the event loop', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'lock');
  await writeFile(path, '');
  const holder = await open(path, 'r');
  const waiter = await open(path, 'r');
  t.teardown(() => Promise.all([holder.close(), waiter.close()]));
  await flock(holder, 'exclusive');
  let acquired = false;
  const waiting = flock(waiter, 'exclusive').then(() => {
    acquired = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.false(acquired);
  await flock(holder, 'unlock');
  await waiting;
  t.true(acquired);
});

test('mkfifo makes a FIFO; again is AlreadyExists; a missing dir is NotFound', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'fifo');
  await mkfifo(path, 0o600);
  t.true((await lstat(path)).isFIFO());
  const again = await t.throwsAsync(mkfifo(path));
  t.true(isAlreadyExists(again));
  t.regex(again!.message, /fifo/);
  t.true(isNotFound(await t.throwsAsync(mkfifo(join(dir, 'missing', 'fifo')))));
});

test('many waiters for a held lock leave the thread pool free: node:fs keeps working', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'lock');
  await writeFile(path, 'content');
  // Raw descriptors: openSync/closeSync run on the main thread, so even a stalled thread pool
  // could not stop this test from releasing the lock and cleaning up.
  const holder = openSync(path, 'r');
  const waiters = Array.from({ length: 8 }, () => openSync(path, 'r'));
  t.teardown(() => {
    for (const fd of [holder, ...waiters]) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
  });
  await flock(holder, 'exclusive');
  const waiting = waiters.map((fd) => flock(fd, 'shared'));
  // More waiters than libuv has pool threads (4): a read must still complete while they wait.
  const read = readFile(path, 'utf8');
  const outcome = await Promise.race([read, sleep(5000).then(() => 'stalled')]);
  if (outcome === 'stalled') closeSync(holder); // let the waiters go so the test can end
  t.is(outcome, 'content', 'node:fs stalled while flock waiters held the thread pool');
  if (outcome !== 'stalled') await flock(holder, 'unlock');
  await Promise.all(waiting);
});
