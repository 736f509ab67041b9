import { execFileSync } from 'node:child_process';

/** One member of a tar, as Python's `tarfile` (an independent reader) sees it. */
export interface TarMember {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block' | 'other';
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** xattr name → hex of the value. */
  xattrs: Record<string, string>;
  /** hex of the content of a regular file. */
  content: string;
}

const script = String.raw`
import json, sys, tarfile
kinds = {tarfile.REGTYPE: 'file', tarfile.AREGTYPE: 'file', tarfile.DIRTYPE: 'directory', tarfile.SYMTYPE: 'symlink',
         tarfile.LNKTYPE: 'hardlink', tarfile.FIFOTYPE: 'fifo', tarfile.CHRTYPE: 'char', tarfile.BLKTYPE: 'block'}
out = []
with tarfile.open(fileobj=sys.stdin.buffer, mode='r|*') as tar:
    for m in tar:
        xattrs = {k[len('SCHILY.xattr.'):]: v.encode('utf-8', 'surrogateescape').hex()
                  for k, v in m.pax_headers.items() if k.startswith('SCHILY.xattr.')}
        data = tar.extractfile(m).read().hex() if m.isreg() else ''
        out.append(dict(name=m.name, type=kinds.get(m.type, 'other'), mode=m.mode, uid=m.uid, gid=m.gid,
                        uname=m.uname, gname=m.gname, size=m.size, mtime=int(m.mtime), linkname=m.linkname,
                        devmajor=m.devmajor, devminor=m.devminor, xattrs=xattrs, content=data))
json.dump(out, sys.stdout)
`;

/** Parses a (possibly gzipped) tar with Python's tarfile module, so our writer is checked by another reader. */
export function readTar(archive: Uint8Array): TarMember[] {
  const json = execFileSync('python3', ['-c', script], { input: archive, maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(json.toString('utf8')) as TarMember[];
}

/** The members of a tar by name. */
export function membersByName(archive: Uint8Array): Map<string, TarMember> {
  return new Map(readTar(archive).map((member) => [member.name, member]));
}

/** GNU tar's verbose listing (`tar --xattrs --numeric-owner -tvvf -`), one line per member plus xattr lines. */
export function gnuTarList(archive: Uint8Array): string[] {
  return execFileSync('tar', ['--xattrs', '--numeric-owner', '-tvvf', '-'], { input: archive, maxBuffer: 64 * 1024 * 1024 })
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
}
