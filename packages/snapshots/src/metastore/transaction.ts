import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from '@proj/errdefs';
import type { Database } from 'lmdb';
import { adaptInfo } from '../filters/adapt-info.js';
import { parseFilters } from '../filters/parser.js';
import type { Info, InfoUpdate } from '../info.js';
import { Kind } from '../kind.js';
import type { SnapshotOptions } from '../options.js';
import type { Usage } from '../usage.js';
import { validateKey, validateLabels } from '../validate.js';
import { type SnapshotRecord, type Snapshot, type StoredInfo, toInfo } from './record.js';

/** The LMDB databases one store is made of. */
export interface Databases {
  /** Snapshot key → {@link SnapshotRecord}. */
  snapshots: Database<SnapshotRecord, string>;
  /** `[parentId, childId]` → child key: who stacks on whom. */
  children: Database<string, [number, number]>;
  /** Bookkeeping: `nextId`, `version`. */
  meta: Database<number, string>;
}

/**
 * A read transaction on a {@link MetaStore}: consistent lookups of snapshot records. Obtain it
 * with `store.read(tx => …)`; it is valid only inside that synchronous callback.
 */
export class Transaction {
  /** @internal */
  constructor(
    protected readonly dbs: Databases,
    protected readonly clock: () => number,
  ) {}

  /** The id, info and stored usage of the snapshot `key`. NotFound if there is none. */
  getInfo(key: string): StoredInfo {
    const record = this.record(key);
    return {
      id: String(record.id),
      info: toInfo(key, record),
      usage: { size: record.size, inodes: record.inodes },
    };
  }

  /** Whether a snapshot with this key or name exists. */
  has(key: string): boolean {
    return this.dbs.snapshots.get(key) !== undefined;
  }

  /**
   * The id, kind and parent ids of an active snapshot or view: what a snapshotter needs to
   * build its mounts. NotFound if `key` does not exist, FailedPrecondition if it is committed.
   */
  getSnapshot(key: string): Snapshot {
    const record = this.record(key);
    if (record.kind !== Kind.Active && record.kind !== Kind.View) {
      throw new FailedPreconditionError(
        `requested snapshot "${key}" is not active or view: mounts exist only for active snapshots and views; make a view of it`,
      );
    }
    return { id: String(record.id), kind: record.kind, parentIds: this.parentIds(record) };
  }

  /**
   * Calls `fn` with the info of every snapshot that passes `filters` (containerd filter strings;
   * a snapshot passes if it matches any). Bad filter syntax throws InvalidArgument before `fn`
   * is called. `fn` runs inside the transaction, so it must be synchronous.
   */
  walkInfo(fn: (info: Info) => void, ...filters: string[]): void {
    const filter = parseFilters(...filters);
    for (const { key, value } of this.dbs.snapshots.getRange({})) {
      const info = toInfo(key, value);
      if (filter.match(adaptInfo(info))) fn(info);
    }
  }

  /** Every snapshot's id mapped to its key (what a cleanup compares the directories with). */
  idMap(): Map<string, string> {
    const ids = new Map<string, string>();
    for (const { key, value } of this.dbs.snapshots.getRange({})) ids.set(String(value.id), key);
    return ids;
  }

  /** Keys of the snapshots whose parent is `key` (empty for a snapshot with no children). */
  children(key: string): string[] {
    const record = this.record(key);
    return [...this.dbs.children.getRange({ start: [record.id, 0], end: [record.id + 1, 0] }).map(({ value }) => value)];
  }

  protected record(key: string): SnapshotRecord {
    if (typeof key !== 'string' || key === '') {
      throw new InvalidArgumentError(`snapshot key must be a non-empty string, got ${JSON.stringify(key)}`);
    }
    const record = this.dbs.snapshots.get(key);
    if (record === undefined) throw new NotFoundError(`snapshot "${key}" does not exist`);
    return record;
  }

  protected parentIds(record: SnapshotRecord): string[] {
    const ids: string[] = [];
    let parent = record.parent;
    while (parent !== undefined) {
      const p = this.dbs.snapshots.get(parent);
      if (p === undefined) throw new NotFoundError(`parent snapshot "${parent}" of a snapshot in the chain does not exist`);
      ids.push(String(p.id));
      parent = p.parent;
    }
    return ids;
  }
}

/**
 * A write transaction: everything a {@link Transaction} reads plus the mutations. Obtain it with
 * `store.update(tx => …)`; all its changes commit together when the callback returns and none
 * do if it throws.
 */
export class WriteTransaction extends Transaction {
  /**
   * Creates an active snapshot or a view named `key` on top of the committed snapshot `parent`
   * (or none) and returns its id and parent ids. Errors: InvalidArgument for a bad kind, key or
   * labels, or a parent that is not committed; NotFound for a missing parent; AlreadyExists if
   * `key` is taken.
   */
  createSnapshot(kind: Kind, key: string, parent?: string, options: SnapshotOptions = {}): Snapshot {
    if (kind !== Kind.Active && kind !== Kind.View) {
      throw new InvalidArgumentError(
        `snapshot kind ${JSON.stringify(kind)} is invalid: only active snapshots and views can be created`,
      );
    }
    validateKey(key);
    validateLabels(options.labels);
    let parentRecord: SnapshotRecord | undefined;
    if (parent !== undefined && parent !== '') {
      validateKey(parent, 'parent');
      parentRecord = this.dbs.snapshots.get(parent);
      if (parentRecord === undefined) {
        throw new NotFoundError(`parent snapshot "${parent}" does not exist: commit it before stacking on it`);
      }
      if (parentRecord.kind !== Kind.Committed) {
        throw new InvalidArgumentError(
          `parent "${parent}" is not a committed snapshot (it is ${parentRecord.kind}): commit it first`,
        );
      }
    }
    if (this.has(key)) {
      throw new AlreadyExistsError(`snapshot "${key}" already exists: remove it or use another key`);
    }
    const id = this.nextId();
    const now = this.clock();
    const record: SnapshotRecord = {
      id,
      kind,
      labels: { ...options.labels },
      created: now,
      updated: now,
      size: 0,
      inodes: 0,
    };
    if (parentRecord !== undefined) {
      record.parent = parent as string;
      this.dbs.children.putSync([parentRecord.id, id], key);
    }
    this.dbs.snapshots.putSync(key, record);
    return { id: String(id), kind, parentIds: parentRecord ? [String(parentRecord.id), ...this.parentIds(parentRecord)] : [] };
  }

  /**
   * Turns the active snapshot `key` into the committed snapshot `name`, keeping its id and
   * parent, with fresh timestamps, the given usage and ONLY the labels in `options` (as
   * containerd does). Errors: AlreadyExists if `name` exists (checked first), NotFound if `key`
   * does not, FailedPrecondition if `key` is not active, InvalidArgument for a bad name or
   * labels. Returns the id.
   */
  commitActive(key: string, name: string, usage: Usage, options: SnapshotOptions = {}): string {
    validateKey(name, 'name');
    validateLabels(options.labels);
    if (this.has(name)) {
      throw new AlreadyExistsError(`committed snapshot "${name}" already exists: remove it or commit under another name`);
    }
    const active = this.record(key);
    if (active.kind !== Kind.Active) {
      throw new FailedPreconditionError(`snapshot "${key}" is not active (it is ${active.kind}): only active snapshots can be committed`);
    }
    const now = this.clock();
    const record: SnapshotRecord = {
      id: active.id,
      kind: Kind.Committed,
      labels: { ...options.labels },
      created: now,
      updated: now,
      size: usage.size,
      inodes: usage.inodes,
    };
    if (active.parent !== undefined) {
      const parent = this.dbs.snapshots.get(active.parent);
      if (parent === undefined) throw new NotFoundError(`missing parent "${active.parent}" of snapshot "${key}"`);
      record.parent = active.parent;
      this.dbs.children.putSync([parent.id, active.id], name);
    }
    this.dbs.snapshots.removeSync(key);
    this.dbs.snapshots.putSync(name, record);
    return String(active.id);
  }

  /**
   * Updates the labels of snapshot `info.name` and returns the new info. With no field paths
   * the labels are replaced by `info.labels`; with paths, `labels` replaces them all and
   * `labels.<k>` sets (or, with an empty or missing value, deletes) one label. Any other path
   * is InvalidArgument: name, parent, kind and timestamps are immutable.
   */
  updateInfo(info: InfoUpdate, ...fieldpaths: string[]): Info {
    const record = this.record(info.name);
    let labels = { ...record.labels };
    const given = info.labels ?? {};
    if (fieldpaths.length === 0) {
      labels = { ...given };
    } else {
      for (const path of fieldpaths) {
        if (path.startsWith('labels.')) {
          const key = path.slice('labels.'.length);
          const value = Object.hasOwn(given, key) ? given[key] : undefined;
          if (value === undefined || value === '') delete labels[key];
          else labels[key] = value;
        } else if (path === 'labels') {
          labels = { ...given };
        } else {
          throw new InvalidArgumentError(
            `cannot update ${JSON.stringify(path)} field on snapshot "${info.name}": only "labels" and "labels.<key>" are mutable`,
          );
        }
      }
    }
    validateLabels(labels);
    const updated: SnapshotRecord = { ...record, labels, updated: Math.max(this.clock(), record.created) };
    this.dbs.snapshots.putSync(info.name, updated);
    return toInfo(info.name, updated);
  }

  /**
   * Removes the snapshot `key` and returns its id and kind. NotFound if it does not exist,
   * FailedPrecondition if another snapshot stacks on it.
   */
  remove(key: string): { id: string; kind: Kind } {
    const record = this.record(key);
    let child: { value: string } | undefined;
    for (const entry of this.dbs.children.getRange({ start: [record.id, 0], end: [record.id + 1, 0], limit: 1 })) {
      child = entry;
    }
    if (child !== undefined) {
      throw new FailedPreconditionError(
        `cannot remove snapshot "${key}" with child "${child.value}": remove its children first`,
      );
    }
    if (record.parent !== undefined) {
      const parent = this.dbs.snapshots.get(record.parent);
      if (parent !== undefined) this.dbs.children.removeSync([parent.id, record.id]);
    }
    this.dbs.snapshots.removeSync(key);
    return { id: String(record.id), kind: record.kind };
  }

  /**
   * Makes sure ids handed out from now on are at least `min`. A snapshotter calls it when it
   * opens, with one more than the largest id it finds on disk, so a directory left by a crash
   * can never collide with a new snapshot's id.
   */
  reserveIdsBelow(min: number): void {
    const next = (this.dbs.meta.get('nextId') ?? 1) as number;
    if (Number.isSafeInteger(min) && min > next) this.dbs.meta.putSync('nextId', min);
  }

  private nextId(): number {
    const id = (this.dbs.meta.get('nextId') ?? 1) as number;
    this.dbs.meta.putSync('nextId', id + 1);
    return id;
  }
}
