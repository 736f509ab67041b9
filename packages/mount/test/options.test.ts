import test from 'ava';
import { MountFlag, compactLowerdirs, parseMountOptions, pageSize } from '@proj/mount';
import { isInvalidArgument, isNotImplemented } from '@proj/errdefs';

test('flag words set and clear flags; later words win', (t) => {
  const { flags, data } = parseMountOptions(['ro', 'nosuid', 'nodev', 'noexec', 'relatime', 'rw', 'size=64k', 'mode=755']);
  t.is(flags, MountFlag.NOSUID | MountFlag.NODEV | MountFlag.NOEXEC | MountFlag.RELATIME);
  t.deepEqual(data, ['size=64k', 'mode=755']);
});

test('bind and rbind and remount', (t) => {
  t.is(parseMountOptions(['bind']).flags, MountFlag.BIND);
  t.is(parseMountOptions(['rbind']).flags, MountFlag.BIND | MountFlag.REC);
  t.is(parseMountOptions(['remount', 'ro']).flags, MountFlag.REMOUNT | MountFlag.RDONLY);
  t.is(parseMountOptions(['defaults']).flags, 0);
});

test('propagation words', (t) => {
  const cases: Array<[string, number]> = [
    ['private', MountFlag.PRIVATE],
    ['rprivate', MountFlag.PRIVATE | MountFlag.REC],
    ['shared', MountFlag.SHARED],
    ['rshared', MountFlag.SHARED | MountFlag.REC],
    ['slave', MountFlag.SLAVE],
    ['rslave', MountFlag.SLAVE | MountFlag.REC],
  ];
  for (const [word, flags] of cases) t.is(parseMountOptions([word]).flags, flags, word);
});

test('everything else is data, in order', (t) => {
  t.deepEqual(parseMountOptions(['index=off', 'workdir=/w', 'upperdir=/u', 'lowerdir=/a:/b', 'userxattr']).data, [
    'index=off',
    'workdir=/w',
    'upperdir=/u',
    'lowerdir=/a:/b',
    'userxattr',
  ]);
});

test('malformed options are InvalidArgument and name the option', (t) => {
  for (const bad of ['', 'a,b', '=value', 'x\0y']) {
    const err = t.throws(() => parseMountOptions(['ro', bad]));
    t.true(isInvalidArgument(err), JSON.stringify(bad));
    t.true(err!.message.includes(JSON.stringify(bad)), err!.message);
  }
  t.true(isInvalidArgument(t.throws(() => parseMountOptions([42 as unknown as string]))));
});

test('loop is refused with NotImplemented', (t) => {
  t.true(isNotImplemented(t.throws(() => parseMountOptions(['loop']))));
});

test('compactLowerdirs rewrites layer paths relative to their common parent', (t) => {
  const lowers = Array.from({ length: 3 }, (_, i) => `/var/lib/x/snapshots/${i + 10}/fs`);
  const { chdir, data } = compactLowerdirs(['index=off', 'upperdir=/u', `lowerdir=${lowers.join(':')}`]);
  t.is(chdir, '/var/lib/x/snapshots');
  t.deepEqual(data, ['index=off', 'upperdir=/u', 'lowerdir=10/fs:11/fs:12/fs']);
});

test('compactLowerdirs leaves unrelated or single layers alone', (t) => {
  t.deepEqual(compactLowerdirs(['lowerdir=/a/fs']), { chdir: '', data: ['lowerdir=/a/fs'] });
  t.deepEqual(compactLowerdirs(['lowerdir=/a/1/fs:/b/2/fs']), { chdir: '', data: ['lowerdir=/a/1/fs:/b/2/fs'] });
  t.deepEqual(compactLowerdirs(['ro']), { chdir: '', data: ['ro'] });
});

test('the page size the overlay limit is measured against', (t) => {
  t.is(pageSize, 4096);
});
