import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FailedPreconditionError, InvalidArgumentError, UnknownError } from '@proj/errdefs';
import { type RootDatabase, open } from 'lmdb';
import type { SnapshotRecord } from './record.js';
import { type Databases, Transaction, WriteTransaction } from './transaction.js';

/** Options of {@link MetaStore.open}. */
export interface MetaStoreOptions {
  /**
   * Skip the fsync at each commit. A process crash still loses nothing (the data is in the page
   * cache); a power loss may lose the last transactions. Default false.
   */
  noSync?: boolean;
  /** The clock for created/updated times, in milliseconds (tests inject one). Default `Date.now`. */
  clock?: () => number;
}

const schemaVersion = 1;

/**
 * The transactional store of snapshot metadata every snapshotter builds on, the role
 * containerd's `snapshots/storage` plays on bbolt, here on embedded LMDB: one file, ACID
 * transactions, readers never blocked.
 *
 * Each snapshot has a key (or name, once committed), a numeric id that is never reused while
 * the record exists (snapshotters name directories after it), a kind, an optional committed
 * parent, labels, timestamps and the usage recorded at commit.
 *
 * Transactions are synchronous callbacks: `read(tx => …)` and `update(tx => …)`. An update
 * commits when its callback returns and rolls back completely if it throws, so a snapshotter
 * can put a cheap filesystem step that must happen with the metadata change (a rename) inside
 * the callback, and do slow work (copying, measuring) before or after it.
 *
 * ```ts
 * const store = await MetaStore.open('/var/lib/x/metadata.db');
 * const s = store.update((tx) => tx.createSnapshot(Kind.Active, 'layer-1-extract'));
 * store.update((tx) => tx.commitActive('layer-1-extract', 'layer-1', { size: 4096, inodes: 1 }));
 * store.read((tx) => tx.getInfo('layer-1').info.kind); // 'committed'
 * await store.close();
 * ```
 */
export class MetaStore {
  private closed = false;

  private constructor(
    /** The path of the database file. */
    readonly path: string,
    private readonly root: RootDatabase,
    private readonly dbs: Databases,
    private readonly clock: () => number,
  ) {}

  /** Opens (creating if needed) the store in the file `path`; LMDB also keeps `path`-lock. */
  static async open(path: string, options: MetaStoreOptions = {}): Promise<MetaStore> {
    if (typeof path !== 'string' || path === '') {
      throw new InvalidArgumentError('metastore path must be a non-empty file path');
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    let root: RootDatabase;
    try {
      root = open({ path, maxDbs: 8, noSync: options.noSync ?? false, encoding: 'json', compression: false });
    } catch (cause) {
      throw new UnknownError(`cannot open snapshot metadata database ${path}: ${(cause as Error).message}`, { cause });
    }
    const dbs: Databases = {
      snapshots: root.openDB<SnapshotRecord, string>({ name: 'snapshots', encoding: 'json' }),
      children: root.openDB<string, [number, number]>({ name: 'children', encoding: 'json' }),
      meta: root.openDB<number, string>({ name: 'meta', encoding: 'json' }),
    };
    const version = dbs.meta.get('version');
    if (version === undefined) {
      root.transactionSync(() => {
        dbs.meta.putSync('version', schemaVersion);
      });
    } else if (version !== schemaVersion) {
      await root.close();
      throw new FailedPreconditionError(
        `snapshot metadata ${path} has schema version ${version}; this build reads version ${schemaVersion}`,
      );
    }
    return new MetaStore(path, root, dbs, options.clock ?? Date.now);
  }

  /**
   * Runs `fn` with a read transaction and returns its result. `fn` must be synchronous; the
   * transaction is not valid after it returns.
   */
  read<T>(fn: (tx: Transaction) => T): T {
    this.assertOpen();
    return checkSync(fn(new Transaction(this.dbs, this.clock)));
  }

  /**
   * Runs `fn` in a write transaction and returns its result. All writes commit together when
   * `fn` returns; if it throws, none is kept and the error propagates. `fn` must be synchronous
   * (a returned promise aborts the transaction). Write transactions are serialized.
   */
  update<T>(fn: (tx: WriteTransaction) => T): T {
    this.assertOpen();
    return this.root.transactionSync(() => checkSync(fn(new WriteTransaction(this.dbs, this.clock))));
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the database. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new FailedPreconditionError(`snapshot metadata ${this.path} is closed`);
  }
}

function checkSync<T>(result: T): T {
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    throw new InvalidArgumentError('metastore transaction callbacks must be synchronous; do async work outside them');
  }
  return result;
}
