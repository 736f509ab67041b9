import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import { fromTimestamp, snapshotsV1 } from '@proj/api';
import type { ClientContext } from './context.js';
import { fromWireMounts, type Mount } from './mount.js';
import type { CallOptions } from './options.js';

/** Kind of a snapshot: `active` (writable), `view` (read-only) or `committed` (a parent). */
export type SnapshotKind = 'active' | 'view' | 'committed' | 'unknown';

/** What a snapshotter knows about a snapshot. */
export interface SnapshotInfo {
  /** Key (active, view) or name (committed). */
  name: string;
  /** Name of the committed parent; empty for none. */
  parent: string;
  kind: SnapshotKind;
  createdAt?: Date;
  updatedAt?: Date;
  labels: Record<string, string>;
}

/** Disk usage of a snapshot's own layer. */
export interface SnapshotUsage {
  size: number;
  inodes: number;
}

/** Options of prepare, view and commit. */
export interface SnapshotOptions extends CallOptions {
  labels?: Record<string, string>;
}

const kinds: Record<number, SnapshotKind> = {
  [snapshotsV1.Kind.ACTIVE]: 'active',
  [snapshotsV1.Kind.VIEW]: 'view',
  [snapshotsV1.Kind.COMMITTED]: 'committed',
};

function toInfo(info: snapshotsV1.Info | undefined): SnapshotInfo {
  const out: SnapshotInfo = {
    name: info?.name ?? '',
    parent: info?.parent ?? '',
    kind: kinds[info?.kind ?? 0] ?? 'unknown',
    labels: { ...(info?.labels ?? {}) },
  };
  const created = fromTimestamp(info?.createdAt);
  const updated = fromTimestamp(info?.updatedAt);
  if (created) out.createdAt = created;
  if (updated) out.updatedAt = updated;
  return out;
}

/** One snapshotter of the daemon (`overlayfs`, `native`, ...) through the Snapshots service. */
export class SnapshotService {
  /** The snapshotter's name. */
  readonly snapshotter: string;
  readonly #ctx: ClientContext;

  /** @internal */
  constructor(ctx: ClientContext, snapshotter: string) {
    this.#ctx = ctx;
    this.snapshotter = snapshotter;
  }

  /** Creates an active snapshot `key` on `parent` (empty for none) and returns its mounts. */
  async prepare(key: string, parent = '', options: SnapshotOptions = {}): Promise<Mount[]> {
    const r = await this.#ctx.services.snapshots.prepare(
      { snapshotter: this.snapshotter, key, parent, labels: options.labels ?? {} },
      this.#ctx.call(options),
    );
    return fromWireMounts(r.mounts);
  }

  /** Creates a read-only view `key` of `parent` and returns its mounts. */
  async view(key: string, parent = '', options: SnapshotOptions = {}): Promise<Mount[]> {
    const r = await this.#ctx.services.snapshots.view(
      { snapshotter: this.snapshotter, key, parent, labels: options.labels ?? {} },
      this.#ctx.call(options),
    );
    return fromWireMounts(r.mounts);
  }

  /** The mounts of an active snapshot or view. */
  async mounts(key: string, options: CallOptions = {}): Promise<Mount[]> {
    const r = await this.#ctx.services.snapshots.mounts({ snapshotter: this.snapshotter, key }, this.#ctx.call(options));
    return fromWireMounts(r.mounts);
  }

  /** Commits active snapshot `key` as `name`. */
  async commit(name: string, key: string, options: SnapshotOptions = {}): Promise<void> {
    await this.#ctx.services.snapshots.commit(
      { snapshotter: this.snapshotter, name, key, labels: options.labels ?? {} },
      this.#ctx.call(options),
    );
  }

  /** Removes a snapshot; FailedPrecondition while it has children. */
  async remove(key: string, options: CallOptions = {}): Promise<void> {
    await this.#ctx.services.snapshots.remove({ snapshotter: this.snapshotter, key }, this.#ctx.call(options));
  }

  /** Info of one snapshot; NotFound when missing. */
  async stat(key: string, options: CallOptions = {}): Promise<SnapshotInfo> {
    const r = await this.#ctx.services.snapshots.stat({ snapshotter: this.snapshotter, key }, this.#ctx.call(options));
    return toInfo(r.info);
  }

  /** Sets the given labels (only those keys change; an empty value removes one). */
  async setLabels(key: string, labels: Record<string, string>, options: CallOptions = {}): Promise<SnapshotInfo> {
    const r = await this.#ctx.services.snapshots.update(
      {
        snapshotter: this.snapshotter,
        info: { name: key, kind: snapshotsV1.Kind.COMMITTED, labels },
        updateMask: create(FieldMaskSchema, { paths: Object.keys(labels).map((k) => `labels.${k}`) }),
      },
      this.#ctx.call(options),
    );
    return toInfo(r.info);
  }

  /** Disk usage of a snapshot's own layer. */
  async usage(key: string, options: CallOptions = {}): Promise<SnapshotUsage> {
    const r = await this.#ctx.services.snapshots.usage({ snapshotter: this.snapshotter, key }, this.#ctx.call(options));
    return { size: Number(r.size), inodes: Number(r.inodes) };
  }

  /** Every snapshot matching any of `filters` (fields `name`, `parent`, `kind`, `labels.<k>`). */
  async list(filters: string[] = [], options: CallOptions = {}): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for await (const r of this.#ctx.services.snapshots.list({ snapshotter: this.snapshotter, filters }, this.#ctx.call(options))) {
      for (const info of r.info) out.push(toInfo(info));
    }
    return out;
  }

  /** Asks the snapshotter to release unused resources. */
  async cleanup(options: CallOptions = {}): Promise<void> {
    await this.#ctx.services.snapshots.cleanup({ snapshotter: this.snapshotter }, this.#ctx.call(options));
  }
}
