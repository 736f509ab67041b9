import type { Info } from '../info.js';
import type { Kind } from '../kind.js';
import type { Usage } from '../usage.js';

/** How one snapshot is stored in the metastore (JSON in LMDB, keyed by the snapshot's key). */
export interface SnapshotRecord {
  /** The snapshot's numeric id: unique for the store's lifetime, the name of its directory. */
  id: number;
  kind: Kind;
  /** Key of the committed parent, absent for a base layer. */
  parent?: string;
  labels: Record<string, string>;
  /** Milliseconds since the epoch. */
  created: number;
  /** Milliseconds since the epoch. */
  updated: number;
  /** Usage measured at commit; 0 for active snapshots and views. */
  size: number;
  inodes: number;
}

/**
 * The storage view of a snapshot a snapshotter needs to build mounts: its id and the ids of
 * its parents, nearest first.
 */
export interface Snapshot {
  /** The snapshot's id, as a decimal string (the name of its directory). */
  id: string;
  kind: Kind;
  /** Ids of the parent chain, nearest parent first; empty for a base layer. */
  parentIds: string[];
}

/** What {@link Transaction.getInfo} returns: the id, the public info and the stored usage. */
export interface StoredInfo {
  id: string;
  info: Info;
  usage: Usage;
}

export function toInfo(name: string, record: SnapshotRecord): Info {
  const info: Info = {
    kind: record.kind,
    name,
    labels: { ...record.labels },
    created: new Date(record.created),
    updated: new Date(record.updated),
  };
  if (record.parent !== undefined) info.parent = record.parent;
  return info;
}
