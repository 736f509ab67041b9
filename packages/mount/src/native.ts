import { createRequire } from 'node:module';

/** The functions of the addon (native/addon.cc); each rejects with an errno-carrying Error. */
export interface NativeBinding {
  mount(source: string, target: string, fstype: string, flags: number, data: string, chdir: string): Promise<void>;
  umount2(target: string, flags: number): Promise<void>;
  fsmount(fstype: string, target: string, options: Array<[string, string | null]>, attributes: number): Promise<void>;
  probeFsConfig(fstype: string, key: string, value: string): number;
  flock(fd: number, operation: number): Promise<void>;
  mkfifo(path: string, mode: number): Promise<void>;
}

/** A system call failure as the addon reports it. */
export interface NativeError extends Error {
  errno: number;
  code: string;
  syscall: string;
  detail?: string;
}

let binding: NativeBinding | undefined;

/** Loads the addon on first use, so importing the package never touches native code. */
export function native(): NativeBinding {
  if (!binding) {
    const require = createRequire(import.meta.url);
    binding = require('../build/Release/proj_mount.node') as NativeBinding;
  }
  return binding;
}
