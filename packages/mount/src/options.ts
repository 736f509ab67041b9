import { InvalidArgumentError, NotImplementedError } from '@proj/errdefs';
import { MountFlag } from './flags.js';

/** What a list of mount options means to mount(2). */
export interface ParsedMountOptions {
  /** mount(2) flags, including propagation flags. */
  flags: number;
  /** Options passed to the filesystem as its data string (`key=value` or bare words). */
  data: string[];
}

interface FlagEffect {
  /** True when the option clears the flag (`rw` clears `RDONLY`). */
  clear: boolean;
  flag: number;
}

// containerd's table (mount_linux.go), word for word in meaning.
const flagOptions: Readonly<Record<string, FlagEffect>> = {
  async: { clear: true, flag: MountFlag.SYNCHRONOUS },
  atime: { clear: true, flag: MountFlag.NOATIME },
  bind: { clear: false, flag: MountFlag.BIND },
  defaults: { clear: false, flag: 0 },
  dev: { clear: true, flag: MountFlag.NODEV },
  diratime: { clear: true, flag: MountFlag.NODIRATIME },
  dirsync: { clear: false, flag: MountFlag.DIRSYNC },
  exec: { clear: true, flag: MountFlag.NOEXEC },
  mand: { clear: false, flag: MountFlag.MANDLOCK },
  noatime: { clear: false, flag: MountFlag.NOATIME },
  nodev: { clear: false, flag: MountFlag.NODEV },
  nodiratime: { clear: false, flag: MountFlag.NODIRATIME },
  noexec: { clear: false, flag: MountFlag.NOEXEC },
  nomand: { clear: true, flag: MountFlag.MANDLOCK },
  norelatime: { clear: true, flag: MountFlag.RELATIME },
  nostrictatime: { clear: true, flag: MountFlag.STRICTATIME },
  nosuid: { clear: false, flag: MountFlag.NOSUID },
  nosymfollow: { clear: false, flag: MountFlag.NOSYMFOLLOW },
  rbind: { clear: false, flag: MountFlag.BIND | MountFlag.REC },
  relatime: { clear: false, flag: MountFlag.RELATIME },
  remount: { clear: false, flag: MountFlag.REMOUNT },
  ro: { clear: false, flag: MountFlag.RDONLY },
  rw: { clear: true, flag: MountFlag.RDONLY },
  strictatime: { clear: false, flag: MountFlag.STRICTATIME },
  suid: { clear: true, flag: MountFlag.NOSUID },
  sync: { clear: false, flag: MountFlag.SYNCHRONOUS },
};

const propagationOptions: Readonly<Record<string, number>> = {
  private: MountFlag.PRIVATE,
  rprivate: MountFlag.PRIVATE | MountFlag.REC,
  shared: MountFlag.SHARED,
  rshared: MountFlag.SHARED | MountFlag.REC,
  slave: MountFlag.SLAVE,
  rslave: MountFlag.SLAVE | MountFlag.REC,
  unbindable: MountFlag.UNBINDABLE,
  runbindable: MountFlag.UNBINDABLE | MountFlag.REC,
};

/**
 * Splits mount(8)-style options into mount(2) flags and filesystem data, as containerd does:
 * known flag words set or clear flags (later words win), propagation words add propagation
 * flags, everything else is data. Throws InvalidArgument for an option that cannot be passed on
 * (empty, containing a comma or NUL, or `=value` without a key).
 */
export function parseMountOptions(options: readonly string[]): ParsedMountOptions {
  let flags = 0;
  const data: string[] = [];
  for (const option of options) {
    validateOption(option);
    const effect = flagOptions[option];
    if (effect) {
      flags = effect.clear ? flags & ~effect.flag : flags | effect.flag;
      continue;
    }
    const propagation = propagationOptions[option];
    if (propagation !== undefined) {
      flags |= propagation;
      continue;
    }
    if (option === 'loop') {
      throw new NotImplementedError('mount option "loop": loop devices are not supported; attach the image with losetup and mount the device');
    }
    data.push(option);
  }
  return { flags, data };
}

function validateOption(option: unknown): asserts option is string {
  if (typeof option !== 'string' || option === '') {
    throw new InvalidArgumentError(`mount option ${JSON.stringify(option)} is malformed: options must be non-empty strings`);
  }
  if (option.includes(',') || option.includes('\0')) {
    throw new InvalidArgumentError(
      `mount option ${JSON.stringify(option)} is malformed: pass each option as its own list entry, without commas or NUL bytes`,
    );
  }
  if (option.startsWith('=')) {
    throw new InvalidArgumentError(`mount option ${JSON.stringify(option)} is malformed: a value needs a key (key=value)`);
  }
}
