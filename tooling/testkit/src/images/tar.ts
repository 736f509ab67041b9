import { InvalidArgumentError } from '@proj/errdefs';

/** The kinds of tar entries {@link writeTar} can write. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block';

/**
 * One entry of a tar archive. Paths are relative (`bin/sh`, no leading `/` or `./`); a directory
 * is written with a trailing `/`. Anything that does not fit a POSIX ustar header (long paths or
 * link targets, big ids, xattrs, non-ASCII names) goes into a PAX extended header.
 */
export interface TarEntry {
  /** Path inside the archive, relative, `/`-separated. */
  path: string;
  /** What the entry is. */
  type: TarEntryType;
  /**
   * Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). Default 0o644
   * for files and hard links, 0o777 for symlinks, 0o755 otherwise. containerd applies a hard
   * link's mode to the shared inode, so give a hard link the mode of its target.
   */
  mode?: number;
  /** Owner uid; default 0. */
  uid?: number;
  /** Owner gid; default 0. */
  gid?: number;
  /** Owner user name; default empty (readers fall back to the number). */
  uname?: string;
  /** Owner group name; default empty. */
  gname?: string;
  /** Modification time in seconds since the epoch; default {@link FIXED_MTIME} so output is deterministic. */
  mtime?: number;
  /** Contents of a regular file. */
  content?: Uint8Array | string;
  /** Target of a symlink, or the archive path of the entry a hard link points to. */
  linkname?: string;
  /** Device major number of a char or block device. */
  devmajor?: number;
  /** Device minor number of a char or block device. */
  devminor?: number;
  /** Extended attributes, written as PAX `SCHILY.xattr.<name>` records (as GNU tar and Go's archive/tar do). */
  xattrs?: Record<string, string | Uint8Array>;
}

/** The fixed modification time (2024-01-01T00:00:00Z) of every entry that names none. */
export const FIXED_MTIME = 1_704_067_200;

const BLOCK = 512;
const typeFlags: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};
const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

/**
 * Writes `entries` as one POSIX tar archive (ustar headers plus PAX extended headers where
 * needed), ending with the two zero blocks. The same entries always give the same bytes.
 */
export function writeTar(entries: Iterable<TarEntry>): Buffer {
  const chunks: Buffer[] = [];
  for (const entry of entries) chunks.push(...encodeEntry(entry));
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

/** Encodes one entry: an optional PAX header block set, the ustar header, and padded content. */
export function encodeEntry(entry: TarEntry): Buffer[] {
  validate(entry);
  const path = entry.type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const content = entry.type === 'file' ? toBytes(entry.content ?? '') : Buffer.alloc(0);
  const linkname = entry.linkname ?? '';
  const uid = entry.uid ?? 0;
  const gid = entry.gid ?? 0;
  const mtime = entry.mtime ?? FIXED_MTIME;
  const uname = entry.uname ?? '';
  const gname = entry.gname ?? '';

  const pax: Array<[string, Buffer]> = [];
  const split = splitUstarPath(path);
  if (!split) pax.push(['path', Buffer.from(path)]);
  if (!fitsUstar(linkname, 100)) pax.push(['linkpath', Buffer.from(linkname)]);
  if (uid > MAX_OCTAL_7) pax.push(['uid', Buffer.from(String(uid))]);
  if (gid > MAX_OCTAL_7) pax.push(['gid', Buffer.from(String(gid))]);
  if (content.length > MAX_OCTAL_11) pax.push(['size', Buffer.from(String(content.length))]);
  if (!fitsUstar(uname, 32)) pax.push(['uname', Buffer.from(uname)]);
  if (!fitsUstar(gname, 32)) pax.push(['gname', Buffer.from(gname)]);
  for (const name of Object.keys(entry.xattrs ?? {}).sort()) {
    pax.push([`SCHILY.xattr.${name}`, toBytes(entry.xattrs![name]!)]);
  }

  const out: Buffer[] = [];
  if (pax.length > 0) {
    const body = Buffer.concat(pax.map(([key, value]) => paxRecord(key, value)));
    const paxName = `PaxHeaders.0/${asciiTail(path.replace(/\/$/, '').split('/').pop() ?? 'entry', 80)}`;
    out.push(
      header({ name: paxName, prefix: '', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime, flag: 'x', linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0 }),
      pad(body),
    );
  }
  const [prefix, name] = split ?? ['', asciiTail(path, 100)];
  out.push(
    header({
      name,
      prefix,
      mode: entry.mode ?? defaultMode(entry.type),
      uid: uid > MAX_OCTAL_7 ? 0 : uid,
      gid: gid > MAX_OCTAL_7 ? 0 : gid,
      size: content.length > MAX_OCTAL_11 ? 0 : content.length,
      mtime,
      flag: typeFlags[entry.type],
      linkname: fitsUstar(linkname, 100) ? linkname : asciiTail(linkname, 100),
      uname: fitsUstar(uname, 32) ? uname : '',
      gname: fitsUstar(gname, 32) ? gname : '',
      devmajor: entry.devmajor ?? 0,
      devminor: entry.devminor ?? 0,
    }),
  );
  if (content.length > 0) out.push(pad(content));
  return out;
}

interface HeaderFields {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  flag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, fields.mode & 0o7777);
  writeOctal(block, 108, 8, fields.uid);
  writeOctal(block, 116, 8, fields.gid);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  block.write(fields.flag, 156, 1, 'ascii');
  block.write(fields.linkname, 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(fields.uname, 265, 32, 'utf8');
  block.write(fields.gname, 297, 32, 'utf8');
  writeOctal(block, 329, 8, fields.devmajor);
  writeOctal(block, 337, 8, fields.devminor);
  block.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  const digits = Math.trunc(value).toString(8).padStart(width - 1, '0');
  block.write(`${digits}\u0000`, offset, width, 'ascii');
}

/** One PAX record, `"<len> <key>=<value>\n"`, where `<len>` counts the whole record in bytes. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(key) + value.length + 3; // ' ', '=', '\n'
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`), value, Buffer.from('\n')]);
}

/** Splits a path into ustar's (prefix, name) pair, or returns undefined when it needs PAX. */
function splitUstarPath(path: string): [string, string] | undefined {
  if (fitsUstar(path, 100)) return ['', path];
  if (!isAscii(path)) return undefined;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length > 0 && name.length <= 100) return [prefix, name];
  }
  return undefined;
}

function fitsUstar(value: string, width: number): boolean {
  return isAscii(value) && value.length <= width;
}

function isAscii(value: string): boolean {
  return /^[\u0001-\u007f]*$/.test(value);
}

function asciiTail(value: string, width: number): string {
  const ascii = value.replace(/[^\u0020-\u007e]/g, '_');
  return ascii.length <= width ? ascii : ascii.slice(ascii.length - width);
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

function toBytes(value: Uint8Array | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function defaultMode(type: TarEntryType): number {
  if (type === 'file' || type === 'hardlink') return 0o644;
  if (type === 'symlink') return 0o777;
  return 0o755;
}

function validate(entry: TarEntry): void {
  const { path, type } = entry;
  if (!path || path.startsWith('/') || path.split('/').some((part) => part === '..')) {
    throw new InvalidArgumentError(`tar entry path ${JSON.stringify(path)} must be relative and must not contain "..": write it as "dir/name"`);
  }
  if ((type === 'symlink' || type === 'hardlink') && !entry.linkname) {
    throw new InvalidArgumentError(`tar ${type} ${JSON.stringify(path)} needs a linkname: set linkname to its target`);
  }
  if (entry.content !== undefined && type !== 'file') {
    throw new InvalidArgumentError(`tar ${type} ${JSON.stringify(path)} cannot have content: only type "file" carries data`);
  }
  for (const [field, value] of Object.entries({ uid: entry.uid, gid: entry.gid, mtime: entry.mtime, devmajor: entry.devmajor, devminor: entry.devminor })) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new InvalidArgumentError(`tar entry ${JSON.stringify(path)} has ${field} ${value}: give a non-negative integer`);
    }
  }
  for (const name of Object.keys(entry.xattrs ?? {})) {
    if (!name || name.includes('=') || name.includes('\u0000')) {
      throw new InvalidArgumentError(`tar entry ${JSON.stringify(path)} has xattr name ${JSON.stringify(name)}: names must be non-empty, without "=" or NUL (e.g. "user.key")`);
    }
  }
  if (entry.mode !== undefined && (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > 0o7777)) {
    throw new InvalidArgumentError(`tar entry ${JSON.stringify(path)} has mode 0o${entry.mode.toString(8)}: give permission bits only (0 to 0o7777)`);
  }
}
