import type { FileHandle } from 'node:fs/promises';
import type { FlockOptions, LockMode } from './lock.linux.js';
import type { MountOptions } from './mount.linux.js';
import type { Mount, MountInfo } from './types.js';

/** What each platform module provides; `index.ts` picks one by `process.platform`. */
export interface Platform {
  mount(m: Mount, target: string, options?: MountOptions): Promise<void>;
  mountAll(mounts: readonly Mount[], target: string, options?: MountOptions): Promise<void>;
  unmount(target: string, flags?: number): Promise<void>;
  unmountAll(target: string, flags?: number): Promise<void>;
  unmountRecursive(target: string, flags?: number): Promise<void>;
  readMountInfo(): Promise<MountInfo[]>;
  mountsUnder(dir: string): Promise<MountInfo[]>;
  lookup(path: string): Promise<MountInfo>;
  flock(file: number | FileHandle, mode: LockMode, options?: FlockOptions): Promise<void>;
  mkfifo(path: string, mode?: number): Promise<void>;
}
