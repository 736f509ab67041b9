import { randomBytes } from 'node:crypto';
import { access, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createError, errorCode } from '@proj/errdefs';
import type { ScratchCreator } from './creator.js';
import { lockFile } from './file-lock.js';
import { sparseCopy } from './sparse-copy.js';

/** The name of the cached scratch disk in the snapshotter root, as in containerd. */
export const SCRATCH_FILE = 'scratch.vhdx';
/** The lock file that serialises creating it across processes. */
export const SCRATCH_LOCK_FILE = 'scratch.lock';

/**
 * The cached `scratch.vhdx` of one snapshotter root. {@link ScratchCache.ensure} creates it at
 * most once: concurrent callers in this process share one creation, and other processes wait
 * on a file lock and then find the finished file. The disk is made under a temporary name and
 * renamed into place, so `scratch.vhdx` is either absent or complete.
 */
export class ScratchCache {
  /** Path of the cached disk. */
  readonly path: string;
  readonly #root: string;
  readonly #creator: ScratchCreator;
  #pending: Promise<string> | undefined;

  constructor(root: string, creator: ScratchCreator) {
    this.#root = root;
    this.#creator = creator;
    this.path = join(root, SCRATCH_FILE);
  }

  /** Makes sure the cached disk exists and resolves with its path. */
  async ensure(): Promise<string> {
    if (await exists(this.path)) return this.path;
    this.#pending ??= this.#createLocked().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * Copies the cached disk (creating it first if needed) to `destination`, which must not exist.
   * The copy keeps zero runs as holes, so it writes only the few megabytes the disk holds.
   */
  async copyTo(destination: string): Promise<void> {
    await sparseCopy(await this.ensure(), destination);
  }

  async #removeLeftovers(): Promise<void> {
    for (const name of await readdir(this.#root)) {
      if (LEFTOVER.test(name)) await rm(join(this.#root, name), { force: true });
    }
  }

  async #createLocked(): Promise<string> {
    const lock = await lockFile(join(this.#root, SCRATCH_LOCK_FILE));
    try {
      if (await exists(this.path)) return this.path; // another process made it while we waited
      await this.#removeLeftovers();
      const temp = join(this.#root, `scratch-${randomBytes(6).toString('hex')}-tmp.vhdx`);
      try {
        await this.#creator.create(temp);
        const handle = await open(temp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, this.path);
      } catch (error) {
        await rm(temp, { force: true });
        const message = error instanceof Error ? error.message : String(error);
        throw createError(errorCode(error), `creating ${this.path} with ${this.#creator.name}: ${message}`, { cause: error });
      }
      return this.path;
    } finally {
      await lock.release();
    }
  }
}

/** Temporary names of a creation; any found while holding the lock belong to one that crashed. */
const LEFTOVER = /^scratch-[0-9a-f]{12}-tmp\.vhdx/;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
