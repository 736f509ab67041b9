import type { Kind } from './kind.js';

/**
 * What a snapshotter knows about one snapshot: the answer of {@link Snapshotter.stat} and what
 * {@link Snapshotter.walk} hands to its callback.
 */
export interface Info {
  /** The kind: `active`, `view` or `committed`. */
  kind: Kind;
  /** The key of an active snapshot or view, or the name of a committed one. */
  name: string;
  /** The name of the committed snapshot this one stacks on; absent for a base layer. */
  parent?: string;
  /** Free-form labels; `{}` when there are none. */
  labels: Record<string, string>;
  /** When the snapshot was created (for a committed one: when it was committed). */
  created: Date;
  /** When the snapshot was last changed with {@link Snapshotter.update}, else `created`. */
  updated: Date;
}

/**
 * The argument of {@link Snapshotter.update}: the snapshot's name and the fields to write.
 * Only labels are mutable; other fields are ignored unless named in the field paths, where they
 * are rejected.
 */
export type InfoUpdate = Pick<Info, 'name'> & Partial<Omit<Info, 'name'>>;

/** The callback of {@link Snapshotter.walk}; it may be async, the walk waits for it. */
export type WalkFunc = (info: Info) => void | Promise<void>;
