import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
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

// A waiting flock polls with LOCK_NB, starting at the first delay and doubling up to the last.
const firstPollDelayMs = 1;
const maxPollDelayMs = 50;

/**
 * flock(2) on an open file: take a shared or exclusive advisory lock, or release it. The lock
 * belongs to the open file description and goes away when it is closed. Waiting for a held lock
 * polls with `LOCK_NB` (backing off from 1 to 50 ms) instead of blocking in the kernel: a
 * blocked flock(2) would hold one of libuv's four thread-pool threads, and four waiters would
 * stall every `node:fs` call of the process, the lock holder's included. Errors: Unavailable
 * when `nonBlocking` and the lock is held elsewhere.
 */
export async function flock(file: number | FileHandle, mode: LockMode, options: FlockOptions = {}): Promise<void> {
  const fd = typeof file === 'number' ? file : file.fd;
  const operation: number =
    mode === 'exclusive' ? LockOperation.EXCLUSIVE : mode === 'shared' ? LockOperation.SHARED : LockOperation.UNLOCK;
  for (let delay = firstPollDelayMs; ; delay = Math.min(delay * 2, maxPollDelayMs)) {
    try {
      await native().flock(fd, operation | LockOperation.NONBLOCK);
      return;
    } catch (err) {
      const held = errnoOf(err) === 'EWOULDBLOCK' || errnoOf(err) === 'EAGAIN';
      if (!held) throw fromSystemError(err, `flock ${mode} on fd ${fd}`);
      if (options.nonBlocking) {
        throw new UnavailableError(`flock ${mode} on fd ${fd}: the lock is held by another process`, { cause: err });
      }
    }
    await sleep(delay);
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
