/**
 * A mount, as containerd passes it around: a serialized mount(2) call that one component
 * (a snapshotter) emits and another (the runtime, {@link mount}) performs. `target` is usually
 * left empty and given at mount time.
 *
 * @example Overlay of two read-only layers with a writable upper:
 * ```ts
 * const m: Mount = {
 *   type: 'overlay',
 *   source: 'overlay',
 *   options: ['index=off', 'workdir=/s/3/work', 'upperdir=/s/3/fs', 'lowerdir=/s/2/fs:/s/1/fs'],
 * };
 * ```
 */
export interface Mount {
  /** The filesystem type (`overlay`, `tmpfs`, `bind`, `ext4`, …). */
  type: string;
  /** What to mount: a path for bind mounts, a device, or a free-form name (`overlay`, `tmpfs`). */
  source: string;
  /** Where to mount, relative to the target given at mount time; usually empty. */
  target?: string;
  /** mount(8)-style options: flags (`ro`, `rbind`, `nosuid`…), propagation, and data (`key=value`). */
  options: string[];
}

/** One line of `/proc/self/mountinfo` (proc(5)). */
export interface MountInfo {
  /** Unique id of the mount. */
  id: number;
  /** Id of the parent mount. */
  parent: number;
  /** Major device number of the filesystem. */
  major: number;
  /** Minor device number of the filesystem. */
  minor: number;
  /** The path inside the filesystem that forms the root of this mount. */
  root: string;
  /** Where it is mounted, as the process sees it. */
  mountpoint: string;
  /** Per-mount options (`rw,relatime`). */
  options: string;
  /** Optional fields such as `shared:1`, `master:2`. */
  optional: string[];
  /** Filesystem type. */
  fstype: string;
  /** Mount source (device or name). */
  source: string;
  /** Per-superblock options (`rw,lowerdir=…`). */
  vfsOptions: string;
}
