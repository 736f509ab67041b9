/** Options of {@link Snapshotter.prepare}, {@link Snapshotter.view} and {@link Snapshotter.commit}. */
export interface SnapshotOptions {
  /**
   * Labels stored with the new snapshot. A commit stores only the labels it is given: the
   * active snapshot's labels are not carried over. Each key plus value must fit in 4096 bytes.
   */
  labels?: Record<string, string>;
}

/** Labels with a meaning to containerd's snapshot machinery (wire doc section 10.3). */
export const SnapshotLabels = {
  /** A GC root: the snapshot is never collected while the label is present. */
  gcRoot: 'containerd.io/gc.root',
  /** The committed name a remote snapshotter should produce ("target" of an unpack). */
  snapshotRef: 'containerd.io/snapshot.ref',
  /** Prefix of the labels the metadata layer passes down to a backend snapshotter. */
  snapshotPrefix: 'containerd.io/snapshot/',
  /** Label some snapshotters add with the path of a snapshot's upper directory. */
  overlayUpperdir: 'containerd.io/snapshot/overlay.upperdir',
} as const;
