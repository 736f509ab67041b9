import test from 'ava';
import { isInvalidArgument } from '@proj/errdefs';
import { BINARY_XATTR, everyKindEntries, FIXED_MTIME, LONG_NAME, LONG_TARGET, writeTar, type TarEntry } from '@proj/testkit';
import { gnuTarList, membersByName, readTar } from './helpers/read-tar.js';

const hex = (value: string | Uint8Array) => Buffer.from(value).toString('hex');

test('every kind of entry reads back with its type, mode, owner, link and device', (t) => {
  const members = membersByName(writeTar(everyKindEntries()));
  const expect = (name: string, fields: Partial<Record<string, unknown>>) => {
    const member = members.get(name);
    if (!member) return t.fail(`${name} missing; got ${[...members.keys()].join(', ')}`);
    for (const [key, value] of Object.entries(fields)) {
      t.deepEqual((member as unknown as Record<string, unknown>)[key], value, `${name}.${key}`);
    }
  };
  expect('kinds', { type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: FIXED_MTIME });
  expect('kinds/file.txt', { type: 'file', mode: 0o644, content: hex('hello\n') });
  expect('kinds/empty', { type: 'file', size: 0 });
  expect('kinds/setuid', { mode: 0o4755 });
  expect('kinds/setgid', { mode: 0o2755 });
  expect('kinds/nomode', { mode: 0 });
  expect('kinds/sticky', { type: 'directory', mode: 0o1777 });
  expect('kinds/private', { type: 'directory', mode: 0o700, uid: 1000, gid: 1000 });
  expect('kinds/owned.txt', { uid: 1000, gid: 1000, uname: 'user', gname: 'user' });
  expect('kinds/nobody.txt', { uid: 65534, gid: 65534 });
  expect('kinds/biguid.txt', { uid: 3_000_000, gid: 3_000_001 });
  expect('kinds/symlink', { type: 'symlink', linkname: 'file.txt' });
  expect('kinds/abs-symlink', { type: 'symlink', linkname: '/etc/passwd' });
  expect('kinds/long-link', { type: 'symlink', linkname: LONG_TARGET });
  expect('kinds/hardlink', { type: 'hardlink', linkname: 'kinds/file.txt' });
  expect('kinds/fifo', { type: 'fifo', mode: 0o644 });
  expect('kinds/null', { type: 'char', devmajor: 1, devminor: 3, mode: 0o666 });
  expect('kinds/loop', { type: 'block', devmajor: 7, devminor: 200 });
  expect('kinds/xattr.txt', { xattrs: { 'user.binary': hex(BINARY_XATTR), 'user.testkit': hex('hello') } });
  expect('kinds/xattr-dir', { type: 'directory', xattrs: { 'user.dir': hex('yes') } });
  expect(LONG_NAME, { type: 'file', content: hex('long\n') });
  expect('kinds/ünïcødé.txt', { content: hex('unicode\n') });
  t.is(members.size, everyKindEntries().length);
});

test('GNU tar lists the modes, owners, links and xattrs', (t) => {
  const lines = gnuTarList(writeTar(everyKindEntries()));
  const line = (suffix: string) => lines.find((l) => l.endsWith(` ${suffix}`)) ?? '';
  t.regex(line('kinds/setuid'), /^-rwsr-xr-x +0\/0 /);
  t.regex(line('kinds/setgid'), /^-rwxr-sr-x +0\/0 /);
  t.regex(line('kinds/nomode'), /^---------- +0\/0 /);
  t.regex(line('kinds/sticky/'), /^drwxrwxrwt +0\/0 /);
  t.regex(line('kinds/private/'), /^drwx------ +1000\/1000 /);
  t.regex(line('kinds/biguid.txt'), /^-rw-r--r-- +3000000\/3000001 /);
  t.regex(line('kinds/symlink -> file.txt'), /^lrwxrwxrwx /);
  t.regex(line('kinds/hardlink link to kinds/file.txt'), /^h/);
  t.regex(line('kinds/fifo'), /^prw-r--r-- /);
  t.regex(line('kinds/null'), /^crw-rw-rw- +0\/0 +1,3 /);
  t.regex(line('kinds/loop'), /^brw-rw---- +0\/0 +7,200 /);
  t.regex(line('kinds/xattr.txt'), /^-rw-r--r--\* +/);
  const xattrLines = lines.slice(lines.indexOf(line('kinds/xattr.txt')) + 1, lines.indexOf(line('kinds/xattr.txt')) + 3);
  t.deepEqual(xattrLines.map((l) => l.trim()), ['x: 5 user.binary', 'x: 5 user.testkit']);
  t.truthy(line(LONG_NAME), 'long path listed in full');
});

test('PAX record lengths are right across the digit boundaries', (t) => {
  const entries: TarEntry[] = [];
  for (let length = 80; length <= 1010; length += 1) {
    if (length > 120 && length < 985) continue;
    entries.push({ path: `f${length}`, type: 'file', xattrs: { 'user.v': 'x'.repeat(length) } });
  }
  const members = readTar(writeTar(entries));
  t.is(members.length, entries.length);
  for (const member of members) {
    t.is(member.xattrs['user.v'], hex('x'.repeat(Number(member.name.slice(1)))), member.name);
  }
});

test('paths that fit ustar prefix/name splits and very long paths both read back', (t) => {
  const split = `${'a'.repeat(120)}/${'b'.repeat(90)}`;
  const long = `${'c'.repeat(200)}/${'d'.repeat(150)}`;
  const members = readTar(writeTar([{ path: split, type: 'file' }, { path: long, type: 'directory' }]));
  t.deepEqual(members.map((m) => m.name), [split, long]);
});

test('the same entries give the same bytes', (t) => {
  t.true(writeTar(everyKindEntries()).equals(writeTar(everyKindEntries())));
});

test('bad entries are refused with InvalidArgument', (t) => {
  for (const entry of [
    { path: '/abs', type: 'file' },
    { path: 'a/../b', type: 'file' },
    { path: 'link', type: 'symlink' },
    { path: 'dir', type: 'directory', content: 'x' },
    { path: 'm', type: 'file', mode: 0o10000 },
    { path: 'u', type: 'file', uid: -1 },
    { path: 'x', type: 'file', xattrs: { 'a=b': 'v' } },
  ] as TarEntry[]) {
    const error = t.throws(() => writeTar([entry]));
    t.true(isInvalidArgument(error), error?.message);
  }
});
