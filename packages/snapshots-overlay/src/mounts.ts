import type { Mount } from '@proj/mount';
import type { Snapshot } from '@proj/snapshots';
import type { Layout } from './layout.js';

/**
 * The mounts of a snapshot, as containerd's overlay snapshotter returns them:
 *
 * - no parent: a bind mount of its own `fs` (`rw`, or `ro` for a view);
 * - a view of exactly one parent: a read-only bind mount of the parent's `fs`;
 * - otherwise an overlay: `lowerdir` lists the parents' `fs` nearest first; an active
 *   snapshot adds its `upperdir` and `workdir`; a view has no upper and is read-only.
 */
export function snapshotMounts(layout: Layout, s: Snapshot, overlayOptions: readonly string[]): Mount[] {
  if (s.parentIds.length === 0) {
    return [{ type: 'bind', source: layout.upper(s.id), options: [s.kind === 'view' ? 'ro' : 'rw', 'rbind'] }];
  }
  if (s.kind === 'view' && s.parentIds.length === 1) {
    return [{ type: 'bind', source: layout.upper(s.parentIds[0] as string), options: ['ro', 'rbind'] }];
  }
  const options = [...overlayOptions];
  if (s.kind === 'active') options.push(`workdir=${layout.work(s.id)}`, `upperdir=${layout.upper(s.id)}`);
  options.push(`lowerdir=${s.parentIds.map((id) => layout.upper(id)).join(':')}`);
  return [{ type: 'overlay', source: 'overlay', options }];
}
