/**
 * The resources a snapshot's own layer takes on disk, not counting its parents.
 *
 * For an active snapshot the snapshotter measures it live; for a committed one it is the value
 * measured at commit; a view reports zero (containerd does the same).
 */
export interface Usage {
  /** Bytes of disk space: allocated blocks, each inode counted once even if hard-linked. */
  size: number;
  /** Number of distinct inodes (files, directories, links), the layer's root directory included. */
  inodes: number;
}

/** The sum of two usages, as when totalling a chain of layers. */
export function addUsage(a: Usage, b: Usage): Usage {
  return { size: a.size + b.size, inodes: a.inodes + b.inodes };
}

/** A usage of nothing: what a view reports. */
export const zeroUsage: Readonly<Usage> = Object.freeze({ size: 0, inodes: 0 });
