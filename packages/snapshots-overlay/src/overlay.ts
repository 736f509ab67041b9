import { existsSync, lchownSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AlreadyExistsError, FailedPreconditionError, NotImplementedError } from '@proj/errdefs';
import type { Mount } from '@proj/mount';
import {
  type Cleaner,
  diskUsage,
  type Info,
  type InfoUpdate,
  Kind,
  MetaStore,
  SnapshotLabels,
  type SnapshotOptions,
  type Snapshotter,
  type Usage,
  validateKey,
  type WalkFunc,
  zeroUsage,
} from '@proj/snapshots';
import { overlayMountOptions, overlaySupportsIndex } from './kernel-support.js';
import { Layout, idOfEntry, newPrefix, removingPrefix } from './layout.js';
import { snapshotMounts } from './mounts.js';
import type { OverlayOptions, OverlayStep } from './options.js';

/**
 * Creates an overlayfs snapshotter whose state lives under `root`: `root/metadata.db` (LMDB)
 * and `root/snapshots/<id>/{fs,work}`. On open it finishes what a crash interrupted: a
 * snapshot whose removal did not commit gets its directory back, and new ids start above every
 * id found on disk.
 *
 * @example
 * ```ts
 * const sn = await createOverlaySnapshotter('/var/lib/proj/overlayfs');
 * const mounts = await sn.prepare('extract-1', '');
 * // [{ type: 'bind', source: '/var/lib/proj/overlayfs/snapshots/1/fs', options: ['rw', 'rbind'] }]
 * ```
 */
export async function createOverlaySnapshotter(root: string, options: OverlayOptions = {}): Promise<OverlaySnapshotter> {
  if (process.platform !== 'linux') {
    throw new NotImplementedError(`the overlayfs snapshotter needs Linux; this is ${process.platform}`);
  }
  const layout = new Layout(root);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await mkdir(layout.snapshots, { recursive: true, mode: 0o700 });
  const mountOptions = overlayMountOptions(options.mountOptions ?? [], await overlaySupportsIndex(root));
  const store = await MetaStore.open(layout.metadata, { noSync: options.noSync ?? false });
  try {
    recover(store, layout);
  } catch (err) {
    await store.close();
    throw err;
  }
  return new OverlaySnapshotter(layout, store, mountOptions, options);
}

/** Puts back directories of removals that never committed; keeps new ids above any on disk. */
function recover(store: MetaStore, layout: Layout): void {
  store.update((tx) => {
    const ids = tx.idMap();
    let maxId = 0;
    for (const name of readdirSync(layout.snapshots)) {
      const id = idOfEntry(name);
      if (id === undefined) continue;
      maxId = Math.max(maxId, id);
      if (name.startsWith(removingPrefix) && ids.has(String(id)) && !existsSync(layout.dir(String(id)))) {
        renameSync(join(layout.snapshots, name), layout.dir(String(id)));
      }
    }
    for (const id of ids.keys()) maxId = Math.max(maxId, Number(id));
    tx.reserveIdsBelow(maxId + 1);
  });
}

/** The overlayfs snapshotter (see {@link createOverlaySnapshotter}). */
export class OverlaySnapshotter implements Snapshotter, Cleaner {
  private closing: Promise<void> | undefined;

  /** @internal */
  constructor(
    /** Where everything lives. */
    readonly layout: Layout,
    private readonly store: MetaStore,
    private readonly overlayOptions: readonly string[],
    private readonly options: OverlayOptions,
  ) {}

  /** The snapshotter's root directory. */
  get root(): string {
    return this.layout.root;
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.stat} */
  async stat(key: string): Promise<Info> {
    const { id, info } = this.store.read((tx) => tx.getInfo(key));
    return this.withUpperLabel(id, info);
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.update} */
  async update(info: InfoUpdate, ...fieldpaths: string[]): Promise<Info> {
    return this.store.update((tx) => {
      const updated = tx.updateInfo(info, ...fieldpaths);
      return this.withUpperLabel(tx.getInfo(updated.name).id, updated);
    });
  }

  /** The usage of the snapshot's `fs` dir: walked live for an active snapshot, recorded at commit for a committed one, zero for a view. */
  async usage(key: string): Promise<Usage> {
    const { id, info, usage } = this.store.read((tx) => tx.getInfo(key));
    if (info.kind === Kind.View) return { ...zeroUsage };
    if (info.kind === Kind.Committed) return usage;
    return diskUsage(this.layout.upper(id));
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.mounts} */
  async mounts(key: string): Promise<Mount[]> {
    const snapshot = this.store.read((tx) => tx.getSnapshot(key));
    return snapshotMounts(this.layout, snapshot, this.overlayOptions);
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.prepare} */
  prepare(key: string, parent = '', options: SnapshotOptions = {}): Promise<Mount[]> {
    return this.createSnapshot(Kind.Active, key, parent, options);
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.view} */
  view(key: string, parent = '', options: SnapshotOptions = {}): Promise<Mount[]> {
    return this.createSnapshot(Kind.View, key, parent, options);
  }

  /** Measures the active snapshot's `fs` dir, then commits it in one transaction (see `Snapshotter.commit`). */
  async commit(name: string, key: string, options: SnapshotOptions = {}): Promise<void> {
    validateKey(name, 'name');
    const { id } = this.store.read((tx) => {
      if (tx.has(name)) {
        throw new AlreadyExistsError(`committed snapshot "${name}" already exists: remove it or commit under another name`);
      }
      const found = tx.getInfo(key);
      if (found.info.kind !== Kind.Active) {
        throw new FailedPreconditionError(
          `snapshot "${key}" is not active (it is ${found.info.kind}): only active snapshots can be committed`,
        );
      }
      return found;
    });
    const usage = await diskUsage(this.layout.upper(id));
    this.step('commit:measured');
    this.store.update((tx) => {
      tx.commitActive(key, name, usage, options);
      this.step('commit:in-transaction');
    });
    this.step('commit:committed');
  }

  /**
   * Removes the snapshot: inside the transaction its directory is renamed to a hidden name, after
   * the commit it is deleted (unless `asyncRemove`). See `Snapshotter.remove`.
   */
  async remove(key: string): Promise<void> {
    let renamed: { from: string; to: string } | undefined;
    let removedId: string;
    try {
      removedId = this.store.update((tx) => {
        const { id } = tx.remove(key);
        const from = this.layout.dir(id);
        const to = this.layout.removing(id);
        try {
          renameSync(from, to);
          renamed = { from, to };
        } catch (err) {
          // A directory already gone (lost before a crash) must not keep the record alive.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        this.step('remove:renamed');
        return id;
      });
    } catch (err) {
      if (renamed) renameSync(renamed.to, renamed.from);
      throw err;
    }
    this.step('remove:committed');
    if (this.options.asyncRemove || !renamed) return;
    // The removal is committed: a failure to delete the data only leaves an orphan for cleanup.
    const hidden = this.layout.removing(removedId);
    try {
      await rm(join(hidden, 'fs'), { recursive: true, force: true });
      this.step('remove:deleting');
      await rm(hidden, { recursive: true, force: true });
    } catch {
      // cleanup() removes what is left.
    }
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.walk} */
  async walk(fn: WalkFunc, ...filters: string[]): Promise<void> {
    const infos: Array<{ id: string; info: Info }> = [];
    this.store.read((tx) =>
      tx.walkInfo((info) => {
        infos.push({ id: this.options.upperdirLabel ? tx.getInfo(info.name).id : '', info });
      }, ...filters),
    );
    for (const { id, info } of infos) await fn(this.withUpperLabel(id, info));
  }

  /**
   * Removes every directory under `snapshots/` that belongs to no snapshot in the metadata:
   * data of removals (with `asyncRemove`, or interrupted by a crash), half-created snapshots,
   * orphans of crashes. Safe to run while other operations run.
   */
  async cleanup(): Promise<void> {
    const garbage = this.store.update((tx) => {
      const ids = tx.idMap();
      return readdirSync(this.layout.snapshots).filter((name) => !ids.has(name));
    });
    const errors: unknown[] = [];
    await Promise.all(
      garbage.map((name) =>
        rm(join(this.layout.snapshots, name), { recursive: true, force: true, maxRetries: 3 }).catch((err: unknown) => {
          errors.push(err);
        }),
      ),
    );
    if (errors.length > 0) throw errors[0];
  }

  /** Closes the metadata store; later calls fail with FailedPrecondition. Idempotent. */
  async close(): Promise<void> {
    this.closing ??= this.store.close();
    await this.closing;
  }

  private async createSnapshot(kind: Kind, key: string, parent: string, options: SnapshotOptions): Promise<Mount[]> {
    const snapshot = this.store.update((tx) => {
      const s = tx.createSnapshot(kind, key, parent, options);
      const temp = join(this.layout.snapshots, `${newPrefix}${s.id}-${Math.random().toString(36).slice(2, 8)}`);
      try {
        mkdirSync(temp, { mode: 0o700 });
        mkdirSync(join(temp, 'fs'), { mode: 0o755 });
        if (kind === Kind.Active) mkdirSync(join(temp, 'work'), { mode: 0o711 });
        const parentId = s.parentIds[0];
        if (parentId !== undefined) {
          // The new layer's root keeps the owner of the layer below (containerd does the same).
          const st = statSync(this.layout.upper(parentId));
          lchownSync(join(temp, 'fs'), st.uid, st.gid);
        }
        const target = this.layout.dir(s.id);
        if (existsSync(target)) rmSync(target, { recursive: true, force: true });
        renameSync(temp, target);
      } catch (err) {
        rmSync(temp, { recursive: true, force: true });
        throw err;
      }
      this.step('prepare:renamed');
      return s;
    });
    return snapshotMounts(this.layout, snapshot, this.overlayOptions);
  }

  private withUpperLabel(id: string, info: Info): Info {
    if (!this.options.upperdirLabel) return info;
    return { ...info, labels: { ...info.labels, [SnapshotLabels.overlayUpperdir]: this.layout.upper(id) } };
  }

  private step(step: OverlayStep): void {
    this.options.onStep?.(step);
  }
}
