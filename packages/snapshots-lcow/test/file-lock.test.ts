import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { lockFile } from '@proj/snapshots-lcow';
import { tempRoot } from '@proj/testkit';

for (const platform of ['linux', 'win32'] as const) {
  test(`${platform}: a second holder waits until the first releases`, async (t) => {
    const dir = await tempRoot(t);
    const path = join(dir, 'lock');
    const events: string[] = [];
    const first = await lockFile(path, { platform });
    const second = lockFile(path, { platform }).then((held) => {
      events.push('second acquired');
      return held;
    });
    await sleep(100);
    events.push('first releasing');
    await first.release();
    await (await second).release();
    t.deepEqual(events, ['first releasing', 'second acquired']);
  });
}

test('win32 fallback: a lock file left by a dead process is taken over', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'lock');
  await writeFile(path, '999999999'); // no such pid
  const held = await lockFile(path, { platform: 'win32' });
  t.is(await readFile(path, 'utf8'), String(process.pid));
  await held.release();
});

test('win32 fallback: waiting can be aborted', async (t) => {
  const dir = await tempRoot(t);
  const path = join(dir, 'lock');
  const held = await lockFile(path, { platform: 'win32' });
  await t.throwsAsync(lockFile(path, { platform: 'win32', signal: AbortSignal.timeout(100) }));
  await held.release();
});
