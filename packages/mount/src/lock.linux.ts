import type { FileHandle } from 'node:fs/promises';
import { UnavailableError, errnoOf, fromSystemError } from '@proj/errdefs';
import { LockOperation } from './flags.js';
import { native } from './native.js';

/** The kinds of {@link flock}. */
export type LockMode = 'exclusive' | 'shared' | 'unlock';

/** Options of {@link flock}. */
export interface FlockOptions {
  /** Fail at once with Unavailable instead of waiting when another holder has the lock. */
  nonBlocking?: boolean;
}

/**
 * flock(2) on an open file: take a shared or exclusive advisory lock, or release it. The lock
 * belongs to the open file description and goes away when it is closed. A blocking call waits
 * on the thread pool, not the event loop. Errors: Unavailable when `nonBlocking` and the lock
 * is held elsewhere.
 */
export async function flock(file: number | FileHandle, mode: LockMode, options: FlockOptions = {}): Promise<void> {
  const fd = typeof file === 'number' ? file : file.fd;
  let operation: number =
    mode === 'exclusive' ? LockOperation.EXCLUSIVE : mode === 'shared' ? LockOperation.SHARED : LockOperation.UNLOCK;
  if (options.nonBlocking) operation |= LockOperation.NONBLOCK;
  try {
    await native().flock(fd, operation);
  } catch (err) {
    if (errnoOf(err) === 'EWOULDBLOCK' || errnoOf(err) === 'EAGAIN') {
      throw new UnavailableError(`flock ${mode} on fd ${fd}: the lock is held by another process`, { cause: err });
    }
    throw fromSystemError(err, `flock ${mode} on fd ${fd}`);
  }
}

/**
 * mkfifo(3): creates a named pipe at `path` with `mode` (default 0600, less the umask).
 * Errors: AlreadyExists when something is there, NotFound when the directory is missing.
 */
export async function mkfifo(path: string, mode = 0o600): Promise<void> {
  try {
    await native().mkfifo(path, mode);
  } catch (err) {
    throw fromSystemError(err, `mkfifo "${path}"`);
  }
}
