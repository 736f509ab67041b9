import { readFile, realpath } from 'node:fs/promises';
import { NotFoundError } from '@proj/errdefs';
import type { MountInfo } from './types.js';

/** Parses the text of `/proc/<pid>/mountinfo` (proc(5)); octal escapes (`\040`) are decoded. */
export function parseMountInfo(text: string): MountInfo[] {
  const entries: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (fields.length < 10 || separator === -1) {
      throw new Error(`malformed mountinfo line: ${JSON.stringify(line)}`);
    }
    const [major, minor] = (fields[2] ?? '0:0').split(':').map(Number);
    entries.push({
      id: Number(fields[0]),
      parent: Number(fields[1]),
      major: major ?? 0,
      minor: minor ?? 0,
      root: unescape(fields[3] ?? ''),
      mountpoint: unescape(fields[4] ?? ''),
      options: fields[5] ?? '',
      optional: fields.slice(6, separator),
      fstype: unescape(fields[separator + 1] ?? ''),
      source: unescape(fields[separator + 2] ?? ''),
      vfsOptions: fields.slice(separator + 3).join(' '),
    });
  }
  return entries;
}

function unescape(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The mounts of this process, in mount order (a mount stacked on another comes after it). */
export async function readMountInfo(): Promise<MountInfo[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Mounts at `dir` or below it, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<MountInfo[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const found = (await readMountInfo()).filter((m) => m.mountpoint === dir || m.mountpoint.startsWith(prefix));
  return found.map((m, order) => ({ m, order }))
    .sort((a, b) => b.m.mountpoint.length - a.m.mountpoint.length || b.order - a.order)
    .map(({ m }) => m);
}

/**
 * The mount that `path` lives on: the deepest mountpoint containing it (the topmost of a stack).
 * Symlinks in `path` are resolved first. Throws NotFound when `path` does not exist.
 */
export async function lookup(path: string): Promise<MountInfo> {
  let resolved: string;
  try {
    resolved = await realpath(path);
  } catch (err) {
    throw new NotFoundError(`lookup mount of "${path}": path does not exist`, { cause: err });
  }
  let best: MountInfo | undefined;
  for (const entry of await readMountInfo()) {
    const mp = entry.mountpoint;
    const contains = mp === '/' || resolved === mp || resolved.startsWith(`${mp}/`);
    if (contains && (!best || mp.length >= best.mountpoint.length)) best = entry;
  }
  if (!best) throw new NotFoundError(`no mount found for "${resolved}"`);
  return best;
}
