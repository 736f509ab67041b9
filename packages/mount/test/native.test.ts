import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import test from 'ava';
import { tempRoot } from '@proj/testkit';

// The addon is internal, but its argument checks guard the process: a wrong type must throw a
// TypeError before any system call is queued (it used to make the call with garbage, then crash).
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@proj/mount/package.json'));
const binding = require(join(packageDir, 'build', 'Release', 'proj_mount.node')) as Record<string, (...args: unknown[]) => unknown>;

test('the addon refuses arguments of the wrong type with a TypeError naming them, and makes no call', async (t) => {
  const dir = await tempRoot(t);
  const fifo = join(dir, 'fifo');
  t.throws(() => binding.mkfifo!(fifo, 'rw'), { instanceOf: TypeError, message: 'mkfifo: argument 2 must be a number' });
  t.throws(() => binding.mkfifo!(fifo), { instanceOf: TypeError, message: 'mkfifo: argument 2 must be a number' });
  await t.throwsAsync(access(fifo), undefined, 'no FIFO was made');
  t.throws(() => binding.umount2!(42, 0), { instanceOf: TypeError, message: 'umount2: argument 1 must be a string' });
  t.throws(() => binding.mount!('tmpfs', dir, 'tmpfs', '0', '', ''), {
    instanceOf: TypeError,
    message: 'mount: argument 4 must be a number',
  });
  t.throws(() => binding.flock!('3', 2), { instanceOf: TypeError, message: 'flock: argument 1 must be a number' });
  t.throws(() => binding.probeFsConfig!('overlay'), { instanceOf: TypeError, message: 'probeFsConfig: argument 2 must be a string' });
  t.throws(() => binding.fsmount!('overlay', dir, 'lowerdir=/', 0), { instanceOf: TypeError, message: 'fsmount: argument 3 must be an object' });
  t.throws(() => binding.fsmount!('overlay', dir, { length: 1 }, 0), { instanceOf: TypeError, message: /argument 3 must be an array/ });
  t.throws(() => binding.fsmount!('overlay', dir, [['source', 5]], 0), { instanceOf: TypeError, message: /option 0 must be a \[string, string \| null\] pair/ });
  // The process is fine and the addon still works.
  await binding.mkfifo!(fifo, 0o600);
  await access(fifo);
});
