/**
 * The overlayfs snapshotter: containerd's current overlay semantics (bind mounts for base
 * layers, read-only views, overlay with upper/work/lower otherwise, labels, usage, walk
 * filters) on the `@proj/snapshots` LMDB metastore, with crash-safe removal and a cleanup of
 * orphan directories. Implements `Snapshotter` and `Cleaner` from `@proj/snapshots`.
 *
 * @packageDocumentation
 */
export { createOverlaySnapshotter, OverlaySnapshotter } from './overlay.js';
export type { OverlayOptions, OverlayStep } from './options.js';
export { snapshotMounts } from './mounts.js';
export { Layout } from './layout.js';
export { overlayIndexParameter, overlayMountOptions, overlaySupportsIndex } from './kernel-support.js';
