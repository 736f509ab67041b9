import { dirname, isAbsolute, relative, sep } from 'node:path';
import { MountFlag } from './flags.js';
import { native } from './native.js';

/**
 * When to use the new mount API (fsopen/fsconfig/fsmount/move_mount) for overlay mounts:
 * `auto` (default) when the option string would pass the kernel's page-size limit and the
 * kernel takes `lowerdir+`; `always` for every overlay mount; `never` to use mount(2) with
 * containerd's relative-path trick instead. The `PROJ_MOUNT_NEW_API` environment variable
 * sets the default.
 */
export type NewMountApiMode = 'auto' | 'always' | 'never';

/** The size of the buffer mount(2) copies its data string into (one page, x86-64 and arm64 4K). */
export const pageSize = 4096;

// containerd leaves a margin below the page size before it compacts layer paths.
const compactThreshold = pageSize - 512;

/** The default mode: `PROJ_MOUNT_NEW_API` when it names one, else `auto`. */
export function defaultNewMountApiMode(): NewMountApiMode {
  const value = process.env.PROJ_MOUNT_NEW_API;
  return value === 'always' || value === 'never' ? value : 'auto';
}

/** Whether the overlay data (joined with commas) is too long for a single mount(2) page. */
export function overlayDataTooLong(data: readonly string[]): boolean {
  return data.join(',').length >= compactThreshold;
}

let lowerdirPlus: boolean | undefined;

/** Whether this kernel accepts `lowerdir+` on an overlay fs context (Linux 6.8+), probed once. */
export function supportsLowerdirPlus(): boolean {
  lowerdirPlus ??= native().probeFsConfig('overlay', 'lowerdir+', '/') === 0;
  return lowerdirPlus;
}

/** The layer directories of the `lowerdir=` option, in order, and the option's index. */
export function overlayLowerdirs(data: readonly string[]): { index: number; dirs: string[] } {
  const index = data.findIndex((option) => option.startsWith('lowerdir='));
  if (index === -1) return { index, dirs: [] };
  const value = data[index]!.slice('lowerdir='.length);
  return { index, dirs: value === '' ? [] : value.split(':') };
}

/**
 * containerd's trick for long layer chains on kernels without `lowerdir+`: rewrite the layer
 * paths relative to their deepest common parent directory, and mount from there. Returns the
 * directory to mount from ('' when nothing could be shortened) and the new data.
 */
export function compactLowerdirs(data: readonly string[]): { chdir: string; data: string[] } {
  const { index, dirs } = overlayLowerdirs(data);
  if (index === -1 || dirs.length < 2 || !dirs.every(isAbsolute)) return { chdir: '', data: [...data] };
  // The common parent of the layers' parents, so each relative path keeps its snapshot id.
  const common = commonDirectory(dirs.map((dir) => dirname(dir)));
  if (common === '/' || common === '') return { chdir: '', data: [...data] };
  const relativeDirs = dirs.map((dir) => relative(common, dir));
  if (relativeDirs.some((dir) => dir === '' || dir.startsWith('..'))) return { chdir: '', data: [...data] };
  const rewritten = data.filter((_, i) => i !== index);
  rewritten.push(`lowerdir=${relativeDirs.join(':')}`);
  return { chdir: common, data: rewritten };
}

function commonDirectory(paths: readonly string[]): string {
  const split = paths.map((path) => path.split(sep));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(sep) || sep;
}

/** Overlay data as fsconfig(2) calls: one `lowerdir+` per layer, the rest as keys or flags. */
export function fsconfigOptions(source: string, data: readonly string[]): Array<[string, string | null]> {
  const calls: Array<[string, string | null]> = [['source', source]];
  for (const option of data) {
    if (option.startsWith('lowerdir=')) continue;
    const eq = option.indexOf('=');
    calls.push(eq === -1 ? [option, null] : [option.slice(0, eq), option.slice(eq + 1)]);
  }
  for (const dir of overlayLowerdirs(data).dirs) calls.push(['lowerdir+', dir]);
  return calls;
}

// mount_setattr(2) attributes for fsmount(2).
const attributeFlags: ReadonlyArray<[number, number]> = [
  [MountFlag.RDONLY, 0x1],
  [MountFlag.NOSUID, 0x2],
  [MountFlag.NODEV, 0x4],
  [MountFlag.NOEXEC, 0x8],
  [MountFlag.NOATIME, 0x10],
  [MountFlag.STRICTATIME, 0x20],
  [MountFlag.NODIRATIME, 0x80],
  [MountFlag.NOSYMFOLLOW, 0x200000],
];

// Superblock flags that fsconfig(2) takes as words.
const superblockFlags: ReadonlyArray<[number, string]> = [
  [MountFlag.RDONLY, 'ro'],
  [MountFlag.SYNCHRONOUS, 'sync'],
  [MountFlag.DIRSYNC, 'dirsync'],
  [MountFlag.LAZYTIME, 'lazytime'],
  [MountFlag.MANDLOCK, 'mand'],
];

/** Splits mount(2) flags into fsmount attributes and fsconfig superblock words. */
export function newApiFlags(flags: number): { attributes: number; superblock: string[] } {
  let attributes = 0;
  for (const [flag, attribute] of attributeFlags) if (flags & flag) attributes |= attribute;
  const superblock = superblockFlags.filter(([flag]) => flags & flag).map(([, word]) => word);
  return { attributes, superblock };
}
