import { busyboxImage, type BusyboxImageOptions } from './busybox.js';
import type { BuiltImage } from './image.js';
import type { TarEntry } from './tar.js';

/** A path longer than ustar's 100-byte name field (it needs a PAX `path` record). */
export const LONG_NAME = `kinds/long/${'d'.repeat(60)}/${'f'.repeat(120)}.txt`;
/** A symlink target longer than ustar's 100-byte link field (it needs a PAX `linkpath` record). */
export const LONG_TARGET = `/${'t'.repeat(150)}/target`;
/** The binary value of the `user.binary` xattr on `kinds/xattr.txt`. */
export const BINARY_XATTR = Uint8Array.from([0, 1, 2, 0xfe, 0xff]);

/**
 * A layer, under `kinds/`, with a file of every kind and the odd cases of metadata:
 * regular files (empty, executable, setuid, setgid, mode 0000), directories (sticky, 0700 owned
 * by 1000), owners (1000, 65534, 3000000 which needs PAX), symlinks (relative, absolute,
 * dangling, long target), a hard link, a fifo, char and block devices, xattrs (text and binary,
 * on a file and on a directory), a long path and a non-ASCII name.
 */
export function everyKindEntries(): TarEntry[] {
  return [
    { path: 'kinds', type: 'directory' },
    { path: 'kinds/file.txt', type: 'file', content: 'hello\n' },
    { path: 'kinds/empty', type: 'file' },
    { path: 'kinds/exec.sh', type: 'file', mode: 0o755, content: '#!/bin/sh\necho exec\n' },
    { path: 'kinds/setuid', type: 'file', mode: 0o4755, content: 'setuid\n' },
    { path: 'kinds/setgid', type: 'file', mode: 0o2755, content: 'setgid\n' },
    { path: 'kinds/nomode', type: 'file', mode: 0o000, content: 'nomode\n' },
    { path: 'kinds/sticky', type: 'directory', mode: 0o1777 },
    { path: 'kinds/private', type: 'directory', mode: 0o700, uid: 1000, gid: 1000 },
    { path: 'kinds/private/secret', type: 'file', mode: 0o600, uid: 1000, gid: 1000, content: 'secret\n' },
    { path: 'kinds/owned.txt', type: 'file', uid: 1000, gid: 1000, uname: 'user', gname: 'user', content: 'owned\n' },
    { path: 'kinds/nobody.txt', type: 'file', uid: 65534, gid: 65534, content: 'nobody\n' },
    { path: 'kinds/biguid.txt', type: 'file', uid: 3_000_000, gid: 3_000_001, content: 'big ids\n' },
    { path: 'kinds/symlink', type: 'symlink', linkname: 'file.txt' },
    { path: 'kinds/abs-symlink', type: 'symlink', linkname: '/etc/passwd' },
    { path: 'kinds/dangling', type: 'symlink', linkname: 'does-not-exist' },
    { path: 'kinds/long-link', type: 'symlink', linkname: LONG_TARGET },
    { path: 'kinds/hardlink', type: 'hardlink', linkname: 'kinds/file.txt' },
    { path: 'kinds/fifo', type: 'fifo', mode: 0o644 },
    { path: 'kinds/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 },
    { path: 'kinds/loop', type: 'block', mode: 0o660, devmajor: 7, devminor: 200 },
    { path: 'kinds/xattr.txt', type: 'file', content: 'xattrs\n', xattrs: { 'user.testkit': 'hello', 'user.binary': BINARY_XATTR } },
    { path: 'kinds/xattr-dir', type: 'directory', xattrs: { 'user.dir': 'yes' } },
    { path: 'kinds/long', type: 'directory' },
    { path: `kinds/long/${'d'.repeat(60)}`, type: 'directory' },
    { path: LONG_NAME, type: 'file', content: 'long\n' },
    { path: 'kinds/ünïcødé.txt', type: 'file', content: 'unicode\n' },
  ];
}

/** A busybox image with one more layer of {@link everyKindEntries}. */
export function everyKindImage(options: BusyboxImageOptions): BuiltImage {
  return busyboxImage({
    ...options,
    extraLayers: [{ entries: everyKindEntries(), createdBy: 'testkit: every file kind' }, ...(options.extraLayers ?? [])],
  });
}
