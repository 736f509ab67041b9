/** The points inside commit, remove and prepare where {@link OverlayOptions.onStep} is called. */
export type OverlayStep =
  | 'prepare:renamed'
  | 'commit:measured'
  | 'commit:in-transaction'
  | 'commit:committed'
  | 'remove:renamed'
  | 'remove:committed'
  | 'remove:deleting';

/** Options of {@link createOverlaySnapshotter}. */
export interface OverlayOptions {
  /**
   * Extra options for every overlay mount (not bind mounts), e.g. `['userxattr']` in a user
   * namespace. `index=off` is added when the kernel knows the option, unless an `index=` is given.
   */
  mountOptions?: string[];
  /**
   * Add the label `containerd.io/snapshot/overlay.upperdir` (the snapshot's `fs` path) to the
   * infos returned by stat, update and walk. Default false.
   */
  upperdirLabel?: boolean;
  /**
   * Leave the data of removed snapshots for {@link OverlaySnapshotter.cleanup} instead of
   * deleting it in remove. The snapshot disappears from the metadata either way. Default false.
   */
  asyncRemove?: boolean;
  /** Skip fsync on metadata commits (safe against process crashes, not power loss). Default false. */
  noSync?: boolean;
  /**
   * Called at named points of prepare, commit and remove. For crash tests: a child process
   * kills itself at a step and the test checks what a reopened store finds.
   */
  onStep?: (step: OverlayStep) => void;
}
