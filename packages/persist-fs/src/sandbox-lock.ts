import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError, UnavailableError, errnoOf, fromSystemError, isUnavailable } from '@proj/errdefs';
import { flock } from '@proj/mount';
import { dirMode } from './atomic-file.js';

// The locks of a sandbox directory: writers take an exclusive, non-blocking flock(2) on it,
// readers a shared one they wait for. Each lock is checked to be on the directory that is at
// its path now, not on one a concurrent destroy renamed away.

const lockAttempts = 5;

/**
 * Creates (if needed), opens and exclusively locks the sandbox directory. Retries when the
 * directory was destroyed between opening and locking, so the lock is always on the directory
 * that is at `dir` now.
 */
export async function lockForWrite(id: string, dir: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dir, { mode: dirMode });
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw fromSystemError(err, `create sandbox directory ${dir}`);
    }
    let handle: FileHandle;
    try {
      handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' && attempt < lockAttempts) continue;
      throw fromSystemError(err, `open sandbox directory ${dir}`);
    }
    try {
      await lockExclusive(handle, id, dir);
      return handle;
    } catch (err) {
      await handle.close();
      // Never remove the directory here: the writer holding the lock may be filling it.
      if ((err as { retry?: boolean }).retry === true && attempt < lockAttempts) continue;
      throw err;
    }
  }
}

/**
 * Takes the exclusive lock without waiting. @throws UnavailableError when another open of the
 * directory holds a lock on it; a retryable NotFoundError when the directory was destroyed
 */
export async function lockExclusive(handle: FileHandle, id: string, dir: string): Promise<void> {
  try {
    await flock(handle, 'exclusive', { nonBlocking: true });
  } catch (err) {
    if (isUnavailable(err)) {
      throw new UnavailableError(
        `sandbox "${id}" is locked: another process is writing ${dir}, or reading it (flock held); retry when it is done`,
        { cause: err },
      );
    }
    throw fromSystemError(err, `lock sandbox directory ${dir}`);
  }
  await checkStillLinked(handle, id, dir);
}

/**
 * Takes the shared lock, polling for up to `timeoutMs` while a writer holds the exclusive one.
 * @throws UnavailableError when the writer holds it longer; NotFoundError as {@link lockExclusive}
 */
export async function lockShared(handle: FileHandle, id: string, dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      await flock(handle, 'shared', { nonBlocking: true });
      break;
    } catch (err) {
      if (!isUnavailable(err)) throw fromSystemError(err, `lock sandbox directory ${dir}`);
      if (Date.now() >= deadline) {
        throw new UnavailableError(
          `sandbox "${id}" is locked: a writer has held ${dir} for more than ${timeoutMs} ms; retry later`,
          { cause: err },
        );
      }
      await sleep(delay);
    }
  }
  await checkStillLinked(handle, id, dir);
}

/** After locking: fails (retryably) if the directory was destroyed or replaced meanwhile. */
async function checkStillLinked(handle: FileHandle, id: string, dir: string): Promise<void> {
  const held = await handle.stat();
  const current = await stat(dir).catch(() => undefined);
  if (current === undefined || current.ino !== held.ino || current.dev !== held.dev) {
    const err = new NotFoundError(`sandbox "${id}" was destroyed at ${dir} while waiting for its lock`);
    Object.defineProperty(err, 'retry', { value: true });
    throw err;
  }
}

/** Opens `dir` to lock it. @throws NotFoundError naming `dir` (and `whyMissing`) when it does not exist */
export async function openDir(dir: string, whyMissing: string): Promise<FileHandle> {
  try {
    return await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new NotFoundError(`${dir} does not exist${whyMissing ? `: ${whyMissing}` : ''}`, { cause: err });
    throw fromSystemError(err, `open ${dir}`);
  }
}
