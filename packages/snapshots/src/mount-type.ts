/**
 * A mount as snapshotters return it: a serialized mount(2) call (`@proj/mount`'s `Mount`).
 * Kept structurally identical to `@proj/mount` so either can be passed where the other is
 * expected.
 */
export interface Mount {
  /** The filesystem type (`bind`, `overlay`, `lcow-layer`, …). */
  type: string;
  /** What to mount: a path for bind mounts, a name (`overlay`) otherwise. */
  source: string;
  /** Where to mount, relative to the target given at mount time; usually absent. */
  target?: string;
  /** mount(8)-style options: flags (`ro`, `rbind`) and data (`lowerdir=…`). */
  options: string[];
}
