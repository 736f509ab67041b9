import { type FileHandle, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, errnoOf, fromSystemError, isNotFound } from '@proj/errdefs';
import { dirMode, persistFile, removeStaleTemps, syncDir, tempPath, writeSynced } from './atomic-file.js';
import { decodeContainer, decodeSandbox, encodeDocument } from './document.js';
import { lockExclusive, lockForWrite, lockShared, openDir } from './sandbox-lock.js';
import { validateIdentifier } from '@proj/identifiers';
import type { ContainerState, PersistedSandbox, SandboxState } from './types.js';
import { checkContainerState, checkSandboxState, type Fail } from './validate.js';

/**
 * Points in {@link PersistStore.toDisk} where a test can pause or inject a fault. A hook that
 * throws makes `toDisk` fail there (and undo what it wrote); one that waits holds the lock.
 */
export interface PersistHooks {
  /** After the sandbox's exclusive lock is taken, before anything is written. */
  afterLock?: (sandboxId: string) => void | Promise<void>;
  /** After every temp file is written and flushed, before the first rename. */
  beforeCommit?: (sandboxId: string) => void | Promise<void>;
}

/** Options of a {@link PersistStore}. */
export interface PersistStoreOptions {
  /** The directory that holds one directory per sandbox (the daemon uses a dir under its state dir). */
  root: string;
  /** How long `fromDisk` waits for a writer to finish before giving up with Unavailable, in ms (default 2000). */
  readLockTimeoutMs?: number;
  /** Fault-injection points, for tests. */
  hooks?: PersistHooks;
}

/** The containers of a sandbox, keyed by container id (a Map or a plain record). */
export type ContainerStates = ReadonlyMap<string, ContainerState> | Readonly<Record<string, ContainerState>>;


/**
 * A store of sandbox and container state on disk (kata's persist `fs` driver):
 *
 * ```
 * <root>/<sandbox id>/persist.json                 the sandbox
 * <root>/<sandbox id>/<container id>/persist.json  each of its containers
 * ```
 *
 * Writes are atomic per file (temp file in the same directory, fsync, rename, fsync of the
 * directory) and serialised per sandbox by an exclusive non-blocking `flock(2)` on the sandbox
 * directory: a second writer fails at once with Unavailable instead of waiting or interleaving.
 * Readers take a shared lock. Everything read back is checked against the schema version and the
 * typed shapes; a damaged file is reported by name, never returned as empty state.
 */
export class PersistStore {
  /** The store's root directory (absolute). */
  readonly root: string;
  readonly #hooks: PersistHooks;
  readonly #readLockTimeoutMs: number;

  constructor(options: PersistStoreOptions) {
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new InvalidArgumentError('PersistStore needs a root directory (options.root)');
    }
    this.root = resolve(options.root);
    this.#hooks = options.hooks ?? {};
    this.#readLockTimeoutMs = options.readLockTimeoutMs ?? 2000;
  }

  /** The directory of sandbox `id`: `<root>/<id>`. @throws InvalidArgumentError for an invalid id */
  sandboxDir(id: string): string {
    validateIdentifier(id, 'sandbox id');
    return join(this.root, id);
  }

  /**
   * Writes the sandbox and its containers. Every file is replaced atomically, containers first
   * and the sandbox last; containers that were stored before but are not in `containers` are
   * removed, so {@link fromDisk} returns exactly what the last `toDisk` wrote. Everything is
   * checked before the disk is touched.
   *
   * On failure nothing this call made is left behind: its temp files and the container (or
   * sandbox) directories it created are removed; files it had not yet replaced keep their
   * previous content.
   *
   * @throws InvalidArgumentError for a state that does not fit the types; UnavailableError when
   *   another writer holds the sandbox's lock
   */
  async toDisk(sandbox: SandboxState, containers: ContainerStates = {}): Promise<void> {
    const sandboxState = checkSandboxState(sandbox, writeFail('sandbox'));
    const entries = containers instanceof Map ? [...containers.entries()] : Object.entries(containers);
    const containerStates = new Map<string, ContainerState>();
    for (const [key, value] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const state = checkContainerState(value, writeFail('container'), `containers[${JSON.stringify(key)}]`);
      if (state.id !== key) {
        throw new InvalidArgumentError(`invalid container state: containers[${JSON.stringify(key)}].id is "${state.id}"; the key must be the container id`);
      }
      if (state.id === persistFile) {
        throw new InvalidArgumentError(`invalid container id "${state.id}": the name is reserved for the sandbox's own file`);
      }
      containerStates.set(key, state);
    }
    const dir = this.sandboxDir(sandboxState.id);
    const documents = [...containerStates.values()].map((state) => ({
      dir: join(dir, state.id),
      text: encodeDocument('container', state),
    }));
    documents.push({ dir, text: encodeDocument('sandbox', sandboxState) });

    await this.#mkdirRoot();
    const handle = await lockForWrite(sandboxState.id, dir);
    let fresh = false;
    const temps: string[] = [];
    const createdDirs: string[] = [];
    let committed = false;
    try {
      // A sandbox without its own persist.json was never (fully) written: if this write fails,
      // the whole directory goes, so a failed first write leaves no trace.
      fresh = !(await exists(join(dir, persistFile)));
      await this.#hooks.afterLock?.(sandboxState.id);
      await removeStaleTemps(dir);
      for (const document of documents) {
        if (document.dir !== dir) {
          try {
            await mkdir(document.dir, { mode: dirMode });
            createdDirs.push(document.dir);
          } catch (err) {
            if (errnoOf(err) !== 'EEXIST') throw err;
            await removeStaleTemps(document.dir);
          }
        }
        const temp = tempPath(document.dir);
        temps.push(temp);
        await writeSynced(temp, document.text);
      }
      await this.#hooks.beforeCommit?.(sandboxState.id);
      for (const [index, document] of documents.entries()) {
        await rename(temps[index]!, join(document.dir, persistFile));
        if (document.dir !== dir) await syncDir(document.dir);
      }
      committed = true;
      await this.#removeStaleContainers(dir, containerStates);
      await handle.sync();
    } catch (err) {
      if (!committed) {
        await Promise.all(temps.map((temp) => rm(temp, { force: true })));
        if (fresh) {
          await rm(dir, { recursive: true, force: true });
        } else {
          for (const createdDir of createdDirs) await rm(createdDir, { recursive: true, force: true });
        }
      }
      throw fromSystemError(err, `write state of sandbox "${sandboxState.id}" to ${dir}`);
    } finally {
      await handle.close();
    }
  }

  /**
   * Reads back sandbox `id` and every container directory of it that has a `persist.json`
   * (directories without one are skipped).
   *
   * @throws NotFoundError when the sandbox was never written (or was destroyed);
   *   DataLossError naming the file when a file is truncated, corrupted or of the wrong shape;
   *   FailedPreconditionError when a file has a newer or unknown schema version;
   *   UnavailableError when a writer holds the lock for longer than `readLockTimeoutMs`
   */
  async fromDisk(id: string): Promise<PersistedSandbox> {
    const dir = this.sandboxDir(id);
    const handle = await openDir(dir, `sandbox "${id}" has no state in ${this.root}`);
    try {
      await lockShared(handle, id, dir, this.#readLockTimeoutMs);
      const sandboxFile = join(dir, persistFile);
      const sandbox = decodeSandbox(sandboxFile, await readText(sandboxFile, `sandbox "${id}" was never fully written`));
      if (sandbox.id !== id) {
        throw new FailedPreconditionError(`${sandboxFile} holds sandbox "${sandbox.id}", not "${id}"; was the directory renamed?`);
      }
      const containers = new Map<string, ContainerState>();
      const names = (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
        .sort();
      for (const name of names) {
        const file = join(dir, name, persistFile);
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          if (errnoOf(err) === 'ENOENT') continue;
          throw fromSystemError(err, `read ${file}`);
        }
        const container = decodeContainer(file, text);
        if (container.id !== name) {
          throw new FailedPreconditionError(`${file} holds container "${container.id}", not "${name}"; was the directory renamed?`);
        }
        containers.set(name, container);
      }
      return { sandbox, containers };
    } finally {
      await handle.close();
    }
  }

  /**
   * Removes sandbox `id` and all its containers' state, atomically (the directory is renamed to a
   * hidden name under the lock, then removed). Destroying a sandbox that is not there succeeds.
   *
   * @throws UnavailableError when a writer holds the sandbox's lock
   */
  async destroy(id: string): Promise<void> {
    const dir = this.sandboxDir(id);
    let handle: FileHandle;
    try {
      handle = await openDir(dir, '');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const hidden = join(this.root, `.${id}.destroy-${process.pid}-${Date.now()}`);
    try {
      try {
        await lockExclusive(handle, id, dir);
      } catch (err) {
        if (isNotFound(err)) return; // destroyed by someone else meanwhile
        throw err;
      }
      try {
        await rename(dir, hidden);
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') return;
        throw err;
      }
    } catch (err) {
      throw fromSystemError(err, `destroy sandbox "${id}" at ${dir}`);
    } finally {
      await handle.close();
    }
    await syncDir(this.root).catch(() => undefined);
    await rm(hidden, { recursive: true, force: true });
  }

  /** The ids of the sandboxes that have a `persist.json`, sorted. */
  async list(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return [];
      throw fromSystemError(err, `list sandboxes in ${this.root}`);
    }
    const ids: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      try {
        await stat(join(this.root, entry.name, persistFile));
        ids.push(entry.name);
      } catch {
        // No persist.json: never fully written, or being destroyed.
      }
    }
    return ids.sort();
  }

  async #mkdirRoot(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true, mode: dirMode });
    } catch (err) {
      throw fromSystemError(err, `create the persist root ${this.root}`);
    }
  }

  /** Removes the `persist.json` of containers no longer in the sandbox (and their dirs, if then empty). */
  async #removeStaleContainers(dir: string, keep: ReadonlyMap<string, ContainerState>): Promise<void> {
    let removed = false;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || keep.has(entry.name)) continue;
      const containerDir = join(dir, entry.name);
      try {
        await unlink(join(containerDir, persistFile));
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') continue;
        throw err;
      }
      await removeStaleTemps(containerDir);
      await rmdir(containerDir).catch(() => undefined);
      removed = true;
    }
    if (removed) await syncDir(dir);
  }
}

function writeFail(what: string): Fail {
  return (path, problem) => {
    throw new InvalidArgumentError(`invalid ${what} state: ${path}: ${problem}`);
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw fromSystemError(err, `stat ${path}`);
  }
}

async function readText(file: string, whyMissing: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new NotFoundError(`${file} does not exist: ${whyMissing}`, { cause: err });
    throw fromSystemError(err, `read ${file}`);
  }
}
