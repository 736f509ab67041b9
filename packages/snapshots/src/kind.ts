import { InvalidArgumentError } from '@proj/errdefs';

/**
 * The kinds of snapshot, as containerd names them in filters and in `ctr snapshots ls`:
 *
 * - `active`: made by {@link Snapshotter.prepare}; writable; the only kind that can be committed.
 * - `view`: made by {@link Snapshotter.view}; read-only; never committed, only removed.
 * - `committed`: made by {@link Snapshotter.commit}; immutable; the only kind that can be a parent.
 *
 * On the wire (`containerd.services.snapshots.v1.Kind`) they travel as the numbers in
 * {@link kindWireValue}.
 */
export const Kind = {
  View: 'view',
  Active: 'active',
  Committed: 'committed',
} as const;

/** One of the values of {@link Kind}: `'view' | 'active' | 'committed'`. */
export type Kind = (typeof Kind)[keyof typeof Kind];

/** The enum numbers of the snapshots API: UNKNOWN=0, VIEW=1, ACTIVE=2, COMMITTED=3. */
export const kindWireValue: Readonly<Record<Kind, number>> = { view: 1, active: 2, committed: 3 };

/** Whether `value` is one of the {@link Kind} strings. */
export function isKind(value: unknown): value is Kind {
  return value === 'view' || value === 'active' || value === 'committed';
}

/**
 * Parses a kind as users and the wire write it: `active`, `view`, `committed` (any case) or the
 * enum number. Throws InvalidArgument for anything else.
 */
export function parseKind(value: string | number): Kind {
  if (typeof value === 'number') {
    const found = (Object.keys(kindWireValue) as Kind[]).find((k) => kindWireValue[k] === value);
    if (found) return found;
  } else {
    const lower = value.toLowerCase();
    if (isKind(lower)) return lower;
  }
  throw new InvalidArgumentError(`unknown snapshot kind ${JSON.stringify(value)}: use "active", "view" or "committed"`);
}
