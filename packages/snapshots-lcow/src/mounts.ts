import type { Mount } from '@proj/mount';

/** The mount type of every LCOW snapshot: the runtime hands it to the utility VM, not to mount(2). */
export const LCOW_LAYER_MOUNT_TYPE = 'lcow-layer';
/** The option prefix containerd uses for the JSON list of parent layer directories. */
export const PARENT_LAYER_PATHS_FLAG = 'parentLayerPaths=';

/** What {@link lcowLayerMounts} needs to know about a snapshot. */
export interface LcowMountSource {
  /** `active` or `view` (committed snapshots are not mounted). */
  kind: 'active' | 'view' | 'committed';
  /** Directory of the snapshot itself. */
  dir: string;
  /** Directories of its parents, nearest first. */
  parentDirs: readonly string[];
}

/**
 * The single `lcow-layer` mount of a snapshot, as containerd's LCOW snapshotter emits it. An
 * active snapshot (or one without parents) mounts its own directory, holding `sandbox.vhdx`,
 * with all parents as layers. A view has no scratch of its own: it mounts its nearest parent's
 * directory with the remaining parents as layers. Options: `rw`/`ro`, then
 * `parentLayerPaths=<JSON array>`.
 */
export function lcowLayerMounts(snapshot: LcowMountSource): Mount[] {
  const ownDir = snapshot.parentDirs.length === 0 || snapshot.kind === 'active';
  const source = ownDir ? snapshot.dir : snapshot.parentDirs[0]!;
  const parents = ownDir ? snapshot.parentDirs : snapshot.parentDirs.slice(1);
  return [
    {
      type: LCOW_LAYER_MOUNT_TYPE,
      source,
      options: [snapshot.kind === 'view' ? 'ro' : 'rw', `${PARENT_LAYER_PATHS_FLAG}${JSON.stringify(parents)}`],
    },
  ];
}

/** Reads the parent layer paths back out of an `lcow-layer` mount; `[]` when the option is absent. */
export function parentLayerPaths(mount: Mount): string[] {
  const option = mount.options.find((o) => o.startsWith(PARENT_LAYER_PATHS_FLAG));
  if (!option) return [];
  const parsed: unknown = JSON.parse(option.slice(PARENT_LAYER_PATHS_FLAG.length));
  return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
}
