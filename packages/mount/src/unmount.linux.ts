import { access, realpath } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, errnoOf, fromSystemError } from '@proj/errdefs';
import { mountsUnder } from './mountinfo.js';
import { native } from './native.js';

const busyRetries = 50;
const busyDelayMs = 50;
// A stack deeper than this on one mountpoint means something keeps mounting there.
const maxStackDepth = 4096;

async function unmountOnce(target: string, flags: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await native().umount2(target, flags);
      return;
    } catch (err) {
      if (errnoOf(err) !== 'EBUSY' || attempt >= busyRetries) throw err;
      await sleep(busyDelayMs);
    }
  }
}

/**
 * Unmounts the topmost mount at `target` (umount2(2) with `flags`, e.g. `UnmountFlag.DETACH`),
 * retrying for a while when the mount is busy. Errors: InvalidArgument when nothing is mounted
 * there, NotFound when the path does not exist, Unavailable when it stays busy.
 */
export async function unmount(target: string, flags = 0): Promise<void> {
  try {
    await unmountOnce(target, flags);
  } catch (err) {
    if (errnoOf(err) === 'EINVAL') {
      throw new InvalidArgumentError(`unmount "${target}": not a mount point`, { cause: err });
    }
    throw fromSystemError(err, `unmount "${target}"`);
  }
}

/**
 * Unmounts `target` until nothing is mounted there any more (undoes a stack of mounts).
 * A no-op for an empty path or a path that does not exist, as in containerd.
 */
export async function unmountAll(target: string, flags = 0): Promise<void> {
  if (target === '') return;
  try {
    await access(target);
  } catch {
    return;
  }
  for (let depth = 0; depth < maxStackDepth; depth++) {
    try {
      await unmountOnce(target, flags);
    } catch (err) {
      if (errnoOf(err) === 'EINVAL') return;
      throw fromSystemError(err, `unmount "${target}"`);
    }
  }
  throw new InvalidArgumentError(`unmount "${target}": still mounted after ${maxStackDepth} unmounts`);
}

/**
 * Unmounts every mount at or below `target`, deepest first (e.g. everything under a rootfs).
 * Symlinks in `target` are resolved first, as containerd's `UnmountRecursive` does, because
 * mountinfo lists mount points by their real paths.
 */
export async function unmountRecursive(target: string, flags = 0): Promise<void> {
  if (target === '') return;
  let resolved = target;
  try {
    resolved = await realpath(target);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    // Unresolvable otherwise (a dead FUSE mount: ENOTCONN): go on with the path as given.
  }
  for (const entry of await mountsUnder(resolved)) await unmountAll(entry.mountpoint, flags);
  await unmountAll(resolved, flags);
}

/** Unmounts `target` exactly `times` times (to undo a partial stack). */
export async function unmountTimes(target: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await unmount(target);
}
