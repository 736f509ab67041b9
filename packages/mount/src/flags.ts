/** mount(2) flags (linux/mount.h). */
export const MountFlag = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOSYMFOLLOW: 0x100,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  MOVE: 0x2000,
  REC: 0x4000,
  SILENT: 0x8000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  STRICTATIME: 0x1000000,
  LAZYTIME: 0x2000000,
} as const;

/** umount2(2) flags. `DETACH` is a lazy unmount. */
export const UnmountFlag = {
  FORCE: 0x1,
  DETACH: 0x2,
  EXPIRE: 0x4,
  NOFOLLOW: 0x8,
} as const;

/** The propagation flags; they are applied by a second mount(2) call, as containerd does. */
export const propagationFlags =
  MountFlag.SHARED | MountFlag.PRIVATE | MountFlag.SLAVE | MountFlag.UNBINDABLE;

/** flock(2) operations. */
export const LockOperation = { SHARED: 1, EXCLUSIVE: 2, NONBLOCK: 4, UNLOCK: 8 } as const;
