import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createError, errorCode } from '@proj/errdefs';
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
 * with rmdir, never recursively, so a mount that could not be undone is never emptied. When
 * both `fn` and the unmount fail, the error names both and keeps the class of `fn`'s error,
 * which is its `cause` (containerd's `WithTempMount` wraps them the same way).
 */
export async function withTempMountUsing<T>(
  ops: TempMountOps,
  mounts: readonly Mount[],
  fn: (root: string) => Promise<T> | T,
  options: TempMountOptions = {},
): Promise<T> {
  const root = await mkdtemp(join(options.tempDir ?? tmpdir(), 'proj-mount-'));
  try {
    await ops.mountAll(mounts, root, options);
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await fn(root) };
    } catch (error) {
      outcome = { error };
    }
    try {
      await ops.unmountAll(root);
    } catch (unmountError) {
      if ('value' in outcome) throw unmountError;
      throw createError(errorCode(outcome.error), `${messageOf(unmountError)}; before that: ${messageOf(outcome.error)}`, {
        cause: outcome.error,
      });
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  } finally {
    await rmdir(root).catch(() => undefined);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
