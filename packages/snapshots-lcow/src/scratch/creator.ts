/** Options passed to {@link ScratchCreator.create}. */
export interface CreateScratchOptions {
  /** Cancels the creation; the creator removes what it half-made. */
  signal?: AbortSignal;
}

/**
 * Makes a fresh scratch disk: an empty ext4 filesystem inside a VHDX, the writable layer an
 * LCOW utility VM mounts for a container. The snapshotter calls it at most once per root (under
 * a lock) and copies the result into every active snapshot as `sandbox.vhdx`.
 *
 * Implement it to plug in another way of making the disk; the built-in ones are
 * {@link ext4VhdxScratchCreator} (Linux: mkfs.ext4 and our own VHDX writer) and
 * {@link runhcsScratchCreator} (Windows: `runhcs create-scratch`).
 */
export interface ScratchCreator {
  /** A short human name for logs and errors, e.g. `mkfs.ext4+vhdx`. */
  readonly name: string;
  /**
   * Writes a complete scratch VHDX at `destination`, a path that does not exist yet. It must
   * not leave a partial file there when it fails.
   */
  create(destination: string, options?: CreateScratchOptions): Promise<void>;
}
