import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MountOptions } from './mount.linux.js';
import type { Mount } from './types.js';

/** The functions {@link withTempMount} needs, so the helper works on every platform module. */
export interface TempMountOps {
  mountAll(mounts: readonly Mount[], target: string, options?: MountOptions): Promise<void>;
  unmountAll(target: string, flags?: number): Promise<void>;
}

/** Options of {@link withTempMount}. */
export interface TempMountOptions extends MountOptions {
  /** Where to make the temp directory (default: the OS temp dir). */
  tempDir?: string;
}

/**
 * Mounts `mounts` on a fresh temp directory, runs `fn` with its path, and always unmounts and
 * removes the directory afterwards, whether `fn` succeeded or threw. The directory is removed
 * with rmdir, never recursively, so a mount that could not be undone is never emptied.
 */
export async function withTempMountUsing<T>(
  ops: TempMountOps,
  mounts: readonly Mount[],
  fn: (root: string) => Promise<T> | T,
  options: TempMountOptions = {},
): Promise<T> {
  const root = await mkdtemp(join(options.tempDir ?? tmpdir(), 'proj-mount-'));
  let result: T;
  try {
    await ops.mountAll(mounts, root, options);
    try {
      result = await fn(root);
    } finally {
      await ops.unmountAll(root);
    }
  } finally {
    await rmdir(root).catch(() => undefined);
  }
  return result;
}
