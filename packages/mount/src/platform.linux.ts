import { flock, mkfifo } from './lock.linux.js';
import { mount, mountAll } from './mount.linux.js';
import { lookup, mountsUnder, readMountInfo } from './mountinfo.js';
import type { Platform } from './platform.js';
import { unmount, unmountAll, unmountRecursive } from './unmount.linux.js';

/** The Linux implementation: real system calls through the addon. */
export const linux: Platform = {
  mount,
  mountAll,
  unmount,
  unmountAll,
  unmountRecursive,
  readMountInfo,
  mountsUnder,
  lookup,
  flock,
  mkfifo,
};
