import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { flock } from '@proj/mount';

/** A lock taken with {@link lockFile}; release it exactly once. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Options of {@link lockFile}. */
export interface LockFileOptions {
  /** Stops waiting for the lock. Only the lock-file fallback can be interrupted while waiting. */
  signal?: AbortSignal;
  /** The platform to lock for; default `process.platform` (tests pass another to reach the fallback). */
  platform?: NodeJS.Platform;
}

/**
 * Takes an exclusive lock on `path` that holds across processes. On Linux it is flock(2) on the
 * file (from @proj/mount): the kernel drops it when the holder dies, so it can never go stale.
 * Elsewhere the file itself is the lock, made with O_EXCL and holding the owner's pid; a lock
 * whose owner is gone is taken over.
 */
export async function lockFile(path: string, options: LockFileOptions = {}): Promise<HeldLock> {
  if ((options.platform ?? process.platform) === 'linux') {
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      await flock(handle, 'exclusive');
    } catch (error) {
      await handle.close();
      throw error;
    }
    return {
      async release() {
        // Closing the descriptor drops the flock.
        await handle.close();
      },
    };
  }
  return exclusiveCreateLock(path, options.signal);
}

async function exclusiveCreateLock(path: string, signal?: AbortSignal): Promise<HeldLock> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !isAlive(owner)) {
      await rm(path, { force: true });
      continue;
    }
    await sleep(25, undefined, signal ? { signal } : {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
