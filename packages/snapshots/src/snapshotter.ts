import type { Info, InfoUpdate, WalkFunc } from './info.js';
import type { Mount } from './mount-type.js';
import type { SnapshotOptions } from './options.js';
import type { Usage } from './usage.js';

/**
 * A snapshotter manages the filesystem layers of containers: it allocates, stacks, mounts and
 * removes snapshots. Every method is atomic: it either happens completely or not at all, and
 * errors are `@proj/errdefs` classes (NotFound, AlreadyExists, InvalidArgument,
 * FailedPrecondition) so callers can tell what went wrong.
 *
 * ## Vocabulary
 *
 * - A **key** names an active snapshot or a view: a snapshot in progress. Keys are chosen by the
 *   caller and must be unique among all keys and names of the snapshotter.
 * - A **name** names a committed snapshot: an immutable layer. Keys and names share one space.
 * - A **parent** is the committed snapshot a new one stacks on. Only committed snapshots can be
 *   parents, and a snapshot with children cannot be removed.
 * - The **kind** is `active` (from {@link prepare}; writable), `view` (from {@link view};
 *   read-only) or `committed` (from {@link commit}).
 *
 * A snapshotter never mounts anything itself: {@link prepare}, {@link view} and {@link mounts}
 * return {@link Mount}s for the caller to mount with `@proj/mount`.
 *
 * ## Importing a layer
 *
 * To import a layer, prepare an active snapshot with no parent, mount it, unpack the layer
 * into it, unmount, and commit it under a name (containerd uses the layer's chain ID):
 *
 * ```ts
 * import { mountAll, unmountAll } from '@proj/mount';
 *
 * const key = `extract-${random()} ${layer.chainId}`;
 * const mounts = await sn.prepare(key);          // no parent: a base layer
 * await mountAll(mounts, tmpDir);
 * await unpack(layer.tar, tmpDir);               // write the layer's files
 * await unmountAll(tmpDir);
 * await sn.commit(layer.chainId, key);           // the active snapshot becomes committed
 * ```
 *
 * If anything fails before the commit, `await sn.remove(key)` abandons the work; nothing else
 * changed. After the commit the key is gone and `sn.stat(layer.chainId)` reports a committed
 * snapshot.
 *
 * ## Importing the next layer
 *
 * Stack the next layer by preparing with the previous layer's name as parent. The mounts now
 * show the parent's files, and the snapshotter records only the changes (an overlay upper
 * directory, whiteouts for deletions):
 *
 * ```ts
 * const mounts = await sn.prepare(key2, layer1.chainId);
 * await mountAll(mounts, tmpDir);
 * await applyDiff(layer2.tar, tmpDir);           // whiteouts in the tar become deletions
 * await unmountAll(tmpDir);
 * await sn.commit(layer2.chainId, key2);
 * ```
 *
 * ## Running a container
 *
 * A container gets a fresh active snapshot on top of the image's top layer; its mounts are the
 * container's root filesystem:
 *
 * ```ts
 * const rootfs = await sn.prepare(containerId, image.topChainId, { labels: { 'containerd.io/gc.root': now } });
 * // hand `rootfs` to the runtime, which mounts it in the bundle
 * ```
 *
 * When the container is done, `sn.remove(containerId)` drops its changes, or `sn.commit(name,
 * containerId)` keeps them as a new layer (that is how `docker commit` works). To only look at
 * an image, {@link view} makes a read-only snapshot that cannot be committed.
 *
 * ## Finding and inspecting snapshots
 *
 * {@link walk} takes containerd filter strings over `name`, `parent`, `kind` and
 * `labels.<key>`; a comma means AND, several strings mean OR. Labels are set at
 * {@link prepare}/{@link view}/{@link commit} and changed with {@link update}; {@link usage}
 * counts only the snapshot's own layer:
 *
 * ```ts
 * // the snapshots stacked on layer 1, and every view
 * await sn.walk((info) => console.log(info.name, info.kind), `parent==${layer1.chainId}`, 'kind==view');
 * // the snapshot an unpack was aiming for (quote label keys that contain dots or slashes)
 * await sn.walk((info) => void found.push(info), 'labels."containerd.io/snapshot.ref"==sha256:abc,kind==committed');
 * await sn.update({ name: containerId, labels: { owner: 'me' } }, 'labels.owner');
 * const { size, inodes } = await sn.usage(containerId); // live for active, 0/0 for a view
 * ```
 *
 * ## What the mounts look like
 *
 * Each snapshotter decides; the overlay snapshotter returns what containerd's does: a base
 * layer is `{ type: 'bind', source: '<root>/snapshots/<id>/fs', options: ['rw', 'rbind'] }`
 * (`'ro'` for a view); a snapshot with parents is one `overlay` mount with
 * `['index=off', 'workdir=…/<id>/work', 'upperdir=…/<id>/fs', 'lowerdir=<parent fs>:<grandparent fs>:…']`;
 * (`index=off` only where the kernel knows it); a view of one parent is a read-only bind of
 * the parent's `fs`, a view of several an overlay with only `lowerdir`.
 *
 * ## Concurrency and lifetime
 *
 * Operations may run concurrently; each one is a transaction. {@link close} releases the
 * snapshotter's resources and may be called more than once. A snapshotter may also implement
 * {@link Cleaner} to reclaim disk space that removals left behind.
 */
export interface Snapshotter {
  /**
   * The info of the snapshot `key` (a key or a committed name): kind, parent, labels,
   * timestamps. NotFound if it does not exist. Use it to resolve parents and check existence.
   */
  stat(key: string): Promise<Info>;

  /**
   * Updates the mutable fields of snapshot `info.name` (only labels) and returns the full new
   * info. With no `fieldpaths` the labels are replaced by `info.labels`; `labels` replaces all of
   * them, `labels.<key>` sets one (an empty value deletes it). Any other path (name, parent,
   * kind, created) is InvalidArgument.
   */
  update(info: InfoUpdate, ...fieldpaths: string[]): Promise<Info>;

  /**
   * The disk usage of the snapshot's own layer (parents not included). Measured live for an
   * active snapshot, recorded at commit for a committed one, zero for a view. NotFound if the
   * snapshot does not exist.
   */
  usage(key: string): Promise<Usage>;

  /**
   * The mounts of the active snapshot or view `key`, the same as {@link prepare} or
   * {@link view} returned: use it to mount again later. NotFound if `key` does not exist,
   * FailedPrecondition if it is committed (make a view of it instead).
   */
  mounts(key: string): Promise<Mount[]>;

  /**
   * Creates an active (writable) snapshot `key` on top of the committed snapshot `parent` (or
   * empty, when `parent` is absent or `''`) and returns the mounts to write into it. Errors:
   * AlreadyExists if `key` is taken, NotFound if `parent` does not exist, InvalidArgument if
   * `parent` is not committed or `key`/labels are malformed. On error nothing is created.
   */
  prepare(key: string, parent?: string, options?: SnapshotOptions): Promise<Mount[]>;

  /**
   * Like {@link prepare} but read-only: a view of `parent` for inspection. Its mounts are
   * read-only and it can never be committed, only removed.
   */
  view(key: string, parent?: string, options?: SnapshotOptions): Promise<Mount[]>;

  /**
   * Captures the active snapshot `key` as the committed snapshot `name`, which may then be a
   * parent. The key disappears; the committed snapshot keeps the parent, gets new timestamps,
   * the usage measured now, and only the labels in `options`. Unmount the snapshot first.
   * Errors: AlreadyExists if `name` exists, NotFound if `key` does not, FailedPrecondition if
   * `key` is a view or committed.
   */
  commit(name: string, key: string, options?: SnapshotOptions): Promise<void>;

  /**
   * Removes the snapshot `key` (active, view or committed) and its data. NotFound if it does not
   * exist, FailedPrecondition if other snapshots stack on it (remove them first). After a crash
   * the snapshot is either fully listed or fully gone.
   */
  remove(key: string): Promise<void>;

  /**
   * Calls `fn` for every snapshot that matches any of `filters` (containerd filter strings over
   * `name`, `parent`, `kind` and `labels.<key>`, e.g. `kind==committed,labels."a.b"==x`); all
   * snapshots when no filter is given. Order is unspecified. Bad filter syntax is
   * InvalidArgument, before `fn` is first called. `fn` may call other methods (stat in a walk).
   */
  walk(fn: WalkFunc, ...filters: string[]): Promise<void>;

  /** Releases the snapshotter's resources; later calls fail. Calling it twice is fine. */
  close(): Promise<void>;
}

/** Implemented by snapshotters that can reclaim disk space left by removals and crashes. */
export interface Cleaner {
  /**
   * Removes directories (or other resources) that belong to no snapshot in the metadata:
   * leftovers of removals, of interrupted operations and of crashes.
   */
  cleanup(): Promise<void>;
}

/** Whether `snapshotter` also implements {@link Cleaner}. */
export function isCleaner(snapshotter: object): snapshotter is Cleaner {
  return typeof (snapshotter as Partial<Cleaner>).cleanup === 'function';
}
