import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@proj/errdefs';
import {
  type Cleaner,
  diskUsage,
  type Info,
  type InfoUpdate,
  Kind,
  MetaStore,
  type Mount,
  type Snapshot,
  type SnapshotOptions,
  type Snapshotter,
  type Usage,
  type WalkFunc,
  zeroUsage,
} from '@proj/snapshots';
import { checkRootFilesystem } from './filesystem-check.js';
import { Limiter } from './limiter.js';
import { lcowLayerMounts } from './mounts.js';
import { ScratchCache } from './scratch/cache.js';
import type { ScratchCreator } from './scratch/creator.js';
import { defaultScratchCreator } from './scratch/default-creator.js';

/** The file an active snapshot's writable disk lives in (containerd's name for it). */
export const SANDBOX_FILE = 'sandbox.vhdx';

/** Options of {@link createLcowSnapshotter}. */
export interface LcowSnapshotterOptions {
  /** How to make the cached scratch disk; default {@link defaultScratchCreator} for this platform. */
  scratchCreator?: ScratchCreator;
  /** Skip the metadata fsync at each commit (tests and benchmarks). Default false. */
  noSync?: boolean;
  /** How many scratch copies may run at once; default 4. */
  copyConcurrency?: number;
}

/** Thrown inside a write transaction to roll it back after a dry run. */
const DRY_RUN = Symbol('dry run');

/**
 * Opens (creating if needed) an LCOW snapshotter whose state lives under `root`:
 * `metadata.db`, `scratch.vhdx` (made on the first prepare), and `snapshots/<id>/` per snapshot,
 * holding `sandbox.vhdx` for an active one. On Windows the root must be on NTFS
 * (InvalidArgument otherwise); elsewhere there is no filesystem requirement.
 *
 * @example
 * ```ts
 * const sn = await createLcowSnapshotter('/var/lib/proj/lcow');
 * const [m] = await sn.prepare('container-1', 'sha256:…top-layer-chain-id');
 * // m = { type: 'lcow-layer', source: '/var/lib/proj/lcow/snapshots/7',
 * //       options: ['rw', 'parentLayerPaths=["/var/lib/proj/lcow/snapshots/6", …]'] }
 * ```
 */
export async function createLcowSnapshotter(root: string, options: LcowSnapshotterOptions = {}): Promise<LcowSnapshotter> {
  if (typeof root !== 'string' || root === '') throw new InvalidArgumentError('LCOW snapshotter root must be a non-empty path');
  await checkRootFilesystem(root);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const store = await MetaStore.open(join(root, 'metadata.db'), { noSync: options.noSync ?? false });
  await mkdir(join(root, 'snapshots'), { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await reserveIdsAboveDisk(store, join(root, 'snapshots'));
  return new LcowSnapshotter(root, store, options.scratchCreator ?? defaultScratchCreator(root), options.copyConcurrency ?? 4);
}

/**
 * Makes new snapshot ids larger than any id on disk, so a directory a crash left behind (before
 * its record was committed, or after its record was removed) is never taken for a new one.
 */
async function reserveIdsAboveDisk(store: MetaStore, snapshotsDir: string): Promise<void> {
  let max = 0;
  for (const name of await readdir(snapshotsDir)) {
    const id = /^(?:rm-)?(\d+)$/.exec(name)?.[1];
    if (id !== undefined) max = Math.max(max, Number(id));
  }
  store.update((tx) => tx.reserveIdsBelow(max + 1));
}

/**
 * containerd's LCOW snapshotter (`windows-lcow`). Every method is one metadata transaction;
 * slow disk work (copying the scratch, measuring usage, deleting) happens outside it, and a
 * crash at any point leaves only directories that {@link LcowSnapshotter.cleanup} removes.
 * Create it with {@link createLcowSnapshotter}.
 */
export class LcowSnapshotter implements Snapshotter, Cleaner {
  /** The snapshotter's root directory. */
  readonly root: string;
  /** The cached scratch disk every active snapshot starts from. */
  readonly scratch: ScratchCache;
  readonly #store: MetaStore;
  readonly #copies: Limiter;
  /** Staging directories of creations in flight, which cleanup must not touch. */
  readonly #staging = new Set<string>();

  /** @internal Use {@link createLcowSnapshotter}. */
  constructor(root: string, store: MetaStore, creator: ScratchCreator, copyConcurrency: number) {
    this.root = root;
    this.#store = store;
    this.scratch = new ScratchCache(root, creator);
    this.#copies = new Limiter(Math.max(1, copyConcurrency));
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.stat} */
  async stat(key: string): Promise<Info> {
    return this.#store.read((tx) => tx.getInfo(key).info);
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.update} */
  async update(info: InfoUpdate, ...fieldpaths: string[]): Promise<Info> {
    return this.#store.update((tx) => tx.updateInfo(info, ...fieldpaths));
  }

  /** Active: the allocated size of its directory now; committed: measured at commit; view: zero. */
  async usage(key: string): Promise<Usage> {
    const { id, info, usage } = this.#store.read((tx) => tx.getInfo(key));
    if (info.kind === Kind.Active) return diskUsage(this.#dir(id));
    if (info.kind === Kind.View) return { ...zeroUsage };
    return usage;
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.mounts} */
  async mounts(key: string): Promise<Mount[]> {
    return this.#mounts(this.#store.read((tx) => tx.getSnapshot(key)));
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.prepare} */
  async prepare(key: string, parent?: string, options?: SnapshotOptions): Promise<Mount[]> {
    return this.#create(Kind.Active, key, parent, options);
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.view} */
  async view(key: string, parent?: string, options?: SnapshotOptions): Promise<Mount[]> {
    return this.#create(Kind.View, key, parent, options);
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.commit} */
  async commit(name: string, key: string, options?: SnapshotOptions): Promise<void> {
    const found = this.#store.read((tx) => (tx.has(key) ? tx.getInfo(key) : undefined));
    const usage = found?.info.kind === Kind.Active ? await diskUsage(this.#dir(found.id)) : { ...zeroUsage };
    this.#store.update((tx) => tx.commitActive(key, name, usage, options));
  }

  /**
   * Removes the record first and the directory after: a crash in between leaves a directory no
   * record names, which {@link LcowSnapshotter.cleanup} deletes, never a record without its
   * directory. (containerd renames inside the transaction instead; a kill between the rename
   * and the commit then lists a snapshot whose directory is gone.)
   */
  async remove(key: string): Promise<void> {
    const { id } = this.#store.update((tx) => tx.remove(key));
    const doomed = join(this.root, 'snapshots', `rm-${id}`);
    try {
      await rename(this.#dir(id), doomed);
      await rm(doomed, { recursive: true, force: true });
    } catch {
      // The snapshot is gone from the metadata; cleanup() deletes whatever is left on disk.
    }
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.walk} */
  async walk(fn: WalkFunc, ...filters: string[]): Promise<void> {
    const infos: Info[] = [];
    this.#store.read((tx) => tx.walkInfo((info) => infos.push(info), ...filters));
    for (const info of infos) await fn(info);
  }

  /**
   * Removes every directory under `snapshots/` that no snapshot owns: `rm-*` left by removals,
   * `new-*` staging directories and `<id>` directories left by crashes.
   */
  async cleanup(): Promise<void> {
    const dir = join(this.root, 'snapshots');
    const names = await readdir(dir);
    // Read the ids after listing: a snapshot whose directory made it into the listing has its
    // record committed by now (the rename and the record commit in one synchronous step).
    const ids = this.#store.read((tx) => tx.idMap());
    for (const name of names) {
      if (ids.has(name) || this.#staging.has(name)) continue;
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }

  /** {@inheritDoc @proj/snapshots#Snapshotter.close} */
  async close(): Promise<void> {
    await this.#store.close();
  }

  async #create(kind: Kind, key: string, parent: string | undefined, options: SnapshotOptions = {}): Promise<Mount[]> {
    // Dry run: the exact checks (and errors) of the real transaction, before any disk work.
    try {
      this.#store.update((tx) => {
        tx.createSnapshot(kind, key, parent, options);
        throw DRY_RUN;
      });
    } catch (error) {
      if (error !== DRY_RUN) throw error;
    }
    const stagingName = `new-${randomBytes(8).toString('hex')}`;
    const staging = join(this.root, 'snapshots', stagingName);
    this.#staging.add(stagingName);
    try {
      await mkdir(staging, { mode: 0o700 });
      if (kind === Kind.Active) await this.#copies.run(() => this.scratch.copyTo(join(staging, SANDBOX_FILE)));
      let moved: string | undefined;
      let snapshot: Snapshot;
      try {
        snapshot = this.#store.update((tx) => {
          const created = tx.createSnapshot(kind, key, parent, options);
          const dir = this.#dir(created.id);
          renameSync(staging, dir); // ids are reserved above every directory on disk (see open)
          moved = dir;
          return created;
        });
      } catch (error) {
        // The record was not written (the commit failed after the rename): drop the directory.
        if (moved) await rm(moved, { recursive: true, force: true });
        throw error;
      }
      return this.#mounts(snapshot);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    } finally {
      this.#staging.delete(stagingName);
    }
  }

  #mounts(snapshot: Snapshot): Mount[] {
    return lcowLayerMounts({
      kind: snapshot.kind,
      dir: this.#dir(snapshot.id),
      parentDirs: snapshot.parentIds.map((id) => this.#dir(id)),
    });
  }

  #dir(id: string): string {
    return join(this.root, 'snapshots', id);
  }
}
