/**
 * containerd's mount library for Node: the {@link Mount} value type, and on Linux real
 * mount(2)/umount2(2), the new mount API, flock(2) and mkfifo(3) through a small N-API addon.
 * Other platforms get the same API rejecting with NotImplemented.
 *
 * @packageDocumentation
 */
import type { FileHandle } from 'node:fs/promises';
import type { FlockOptions, LockMode } from './lock.linux.js';
import type { MountOptions } from './mount.linux.js';
import type { Platform } from './platform.js';
import { linux } from './platform.linux.js';
import { unsupportedPlatform } from './platform.unsupported.js';
import { type TempMountOptions, withTempMountUsing } from './temp-mount.js';
import type { Mount, MountInfo } from './types.js';

const platform: Platform = process.platform === 'linux' ? linux : unsupportedPlatform;

export type { Mount, MountInfo } from './types.js';
export type { MountOptions } from './mount.linux.js';
export type { FlockOptions, LockMode } from './lock.linux.js';
export type { TempMountOptions } from './temp-mount.js';
export type { NewMountApiMode } from './overlay.js';
export type { ParsedMountOptions } from './options.js';
export { MountFlag, UnmountFlag, LockOperation } from './flags.js';
export { parseMountOptions } from './options.js';
export { parseMountInfo } from './mountinfo.js';
export { compactLowerdirs, pageSize } from './overlay.js';

/** Mounts `m` on `target`; see the Linux implementation for the rules. */
export const mount = (m: Mount, target: string, options?: MountOptions): Promise<void> => platform.mount(m, target, options);
/** Mounts each of `mounts` on `target` in order, stacked; undoes them all if one fails. */
export const mountAll = (mounts: readonly Mount[], target: string, options?: MountOptions): Promise<void> =>
  platform.mountAll(mounts, target, options);
/** Unmounts the topmost mount at `target`, retrying while busy. */
export const unmount = (target: string, flags?: number): Promise<void> => platform.unmount(target, flags);
/** Unmounts `target` until nothing is mounted there; a no-op when the path does not exist. */
export const unmountAll = (target: string, flags?: number): Promise<void> => platform.unmountAll(target, flags);
/** Unmounts every mount at or below `target` (symlinks resolved first), deepest first. */
export const unmountRecursive = (target: string, flags?: number): Promise<void> => platform.unmountRecursive(target, flags);
/** The mounts of this process, from `/proc/self/mountinfo`. */
export const readMountInfo = (): Promise<MountInfo[]> => platform.readMountInfo();
/** The mounts at or below `dir`, deepest first. */
export const mountsUnder = (dir: string): Promise<MountInfo[]> => platform.mountsUnder(dir);
/** The mount that `path` lives on (the deepest, topmost one). */
export const lookup = (path: string): Promise<MountInfo> => platform.lookup(path);
/** flock(2) on an open file descriptor or FileHandle. */
export const flock = (file: number | FileHandle, mode: LockMode, options?: FlockOptions): Promise<void> =>
  platform.flock(file, mode, options);
/** mkfifo(3) at `path` with `mode` (default 0600). */
export const mkfifo = (path: string, mode?: number): Promise<void> => platform.mkfifo(path, mode);

/**
 * Mounts `mounts` on a fresh temp directory, calls `fn(root)`, then always unmounts and removes
 * the directory, whether `fn` returned or threw.
 *
 * @example
 * ```ts
 * const names = await withTempMount(snapshotMounts, (root) => readdir(root));
 * ```
 */
export function withTempMount<T>(
  mounts: readonly Mount[],
  fn: (root: string) => Promise<T> | T,
  options?: TempMountOptions,
): Promise<T> {
  return withTempMountUsing(platform, mounts, fn, options);
}
