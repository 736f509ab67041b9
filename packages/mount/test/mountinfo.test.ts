import test from 'ava';
import { isNotFound } from '@proj/errdefs';
import { lookup, parseMountInfo, readMountInfo } from '@proj/mount';

const sample = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
  '36 27 0:32 / /tmp/with\\040space rw,nosuid shared:5 master:1 - tmpfs tmpfs rw,size=1024k',
  '',
].join('\n');

test('parses every field, decodes octal escapes and optional fields', (t) => {
  const [root, spaced] = parseMountInfo(sample);
  t.like(root, { id: 27, parent: 1, major: 254, minor: 0, root: '/', mountpoint: '/', fstype: 'ext4', source: '/dev/vda' });
  t.deepEqual(root?.optional, []);
  t.like(spaced, { mountpoint: '/tmp/with space', options: 'rw,nosuid', fstype: 'tmpfs', vfsOptions: 'rw,size=1024k' });
  t.deepEqual(spaced?.optional, ['shared:5', 'master:1']);
});

test('a malformed line is an error naming the line', (t) => {
  t.throws(() => parseMountInfo('1 2 3'), { message: /malformed mountinfo line: "1 2 3"/ });
});

test('reads this process mounts; / is among them', async (t) => {
  const mounts = await readMountInfo();
  t.true(mounts.some((m) => m.mountpoint === '/'));
});

test('lookup finds the mount a path lives on', async (t) => {
  const info = await lookup('/proc/self');
  t.is(info.fstype, 'proc');
  t.is((await lookup('/')).mountpoint, '/');
});

test('lookup of a missing path is NotFound naming it', async (t) => {
  const err = await t.throwsAsync(lookup('/no/such/path'));
  t.true(isNotFound(err));
  t.regex(err!.message, /\/no\/such\/path/);
});
