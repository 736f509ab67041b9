import { constants, open as openCallback } from 'node:fs';
import { readFile, readlink, realpath, rmdir } from 'node:fs/promises';
import { Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AlreadyExistsError, FailedPreconditionError, NotFoundError, UnknownError, errnoOf, fromSystemError, isAlreadyExists } from '@proj/errdefs';
import { atomicDelete } from './atomic-delete.js';
import { atomicWrite } from './atomic-write.js';
import { bundleLayout, bundleModes } from './layout.js';
import { mkfifo, unmountRecursive } from '@proj/mount';

const openRaw = promisify(openCallback);

/** The identity and location of a bundle. */
export interface BundleInit {
  /** The task id. */
  id: string;
  /** The task's namespace. */
  namespace: string;
  /** The bundle directory, `<state>/<ns>/<id>`. */
  path: string;
  /** The work dir, `<root>/<ns>/<id>`, when known; otherwise read from the `work` symlink. */
  workPath?: string | undefined;
}

/**
 * An OCI bundle of runtime v2 on disk: the shim's working directory, holding `config.json`,
 * `rootfs/`, the `work` link and the files the shim and the daemon exchange. Make one with
 * `newBundle` or `loadBundle`.
 */
export class Bundle {
  /** The task id. */
  readonly id: string;
  /** The task's namespace. */
  readonly namespace: string;
  /** The bundle directory, `<state>/<ns>/<id>`; the shim runs with it as its cwd. */
  readonly path: string;
  readonly #workPath: string | undefined;

  constructor(init: BundleInit) {
    this.id = init.id;
    this.namespace = init.namespace;
    this.path = init.path;
    this.#workPath = init.workPath;
  }

  /** `<bundle>/rootfs`, where the shim mounts the container's root file system. */
  get rootfs(): string {
    return join(this.path, bundleLayout.rootfs);
  }

  /** `<bundle>/config.json`, the OCI runtime spec. */
  get configPath(): string {
    return join(this.path, bundleLayout.config);
  }

  /** `<bundle>/log`, the shim's log FIFO. */
  get logPath(): string {
    return join(this.path, bundleLayout.log);
  }

  /** The work dir the `work` symlink points to, or `undefined` when the link is missing. */
  async workDir(): Promise<string | undefined> {
    try {
      return await readlink(join(this.path, bundleLayout.work));
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return this.#workPath;
      throw fromSystemError(err, `read the work link of bundle ${this.path}`);
    }
  }

  /** The bytes of `config.json`. @throws NotFoundError when it is missing */
  async readSpec(): Promise<Buffer> {
    try {
      return await readFile(this.configPath);
    } catch (err) {
      throw fromSystemError(err, `read the spec of task "${this.id}" (${this.configPath})`);
    }
  }

  /** Writes the shim's ttrpc address (`unix://…`, no newline) to `<bundle>/address`, atomically. */
  async writeAddress(address: string): Promise<void> {
    await this.#writeFile(bundleLayout.address, address);
  }

  /**
   * Reads the shim's address from `<bundle>/address` (written by `shim start`).
   * @throws NotFoundError when the shim never wrote one
   */
  async readAddress(): Promise<string> {
    return this.#readFile(bundleLayout.address, 'the shim never started or its bundle was cleaned up');
  }

  /** Writes the absolute path of the shim binary to `<bundle>/shim-binary-path`, atomically. */
  async writeShimBinaryPath(binaryPath: string): Promise<void> {
    await this.#writeFile(bundleLayout.shimBinaryPath, binaryPath);
  }

  /**
   * Reads `<bundle>/shim-binary-path`, the shim to run `delete` with after a restart.
   * @throws NotFoundError when the daemon never wrote it (the shim was not started)
   */
  async readShimBinaryPath(): Promise<string> {
    return this.#readFile(bundleLayout.shimBinaryPath, 'the shim was never started for this bundle');
  }

  /**
   * Creates the shim's log FIFO `<bundle>/log` (mode 0700). The shim opens it write-only and
   * blocks until a reader exists, so open it with {@link openLog} before starting the shim.
   * @throws AlreadyExistsError when it exists already
   */
  async createLogFifo(): Promise<string> {
    try {
      await mkfifo(this.logPath, bundleModes.logFifo);
    } catch (err) {
      if (isAlreadyExists(err)) {
        throw new AlreadyExistsError(`log FIFO ${this.logPath} of task "${this.id}" exists already`, { cause: err });
      }
      throw fromSystemError(err, `create log FIFO ${this.logPath} of task "${this.id}"`);
    }
    return this.logPath;
  }

  /**
   * Opens the log FIFO for reading without blocking (O_RDWR|O_NONBLOCK, as containerd does, so
   * the open never waits for a writer and EOF never comes while the bundle exists). Returns a
   * readable socket over it: pipe it somewhere and `destroy()` it when the shim is gone.
   */
  async openLog(): Promise<Socket> {
    let fd: number;
    try {
      fd = await openRaw(this.logPath, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (err) {
      throw fromSystemError(err, `open log FIFO ${this.logPath} of task "${this.id}"`);
    }
    // The socket owns the descriptor: destroying it closes the FIFO.
    return new Socket({ fd, readable: true, writable: false });
  }

  /**
   * Deletes the bundle: unmounts everything mounted on or under `rootfs` (deepest first, each
   * mount point until nothing is left), removes `rootfs` (which must then be empty: nothing of the
   * container's is ever removed recursively while it might still be a mount), then deletes the
   * bundle and the work dir, each atomically (renamed to a hidden `.<id>`, then removed). Both
   * deletions are attempted even if the first fails, and both failures are reported. Deleting a
   * bundle that is already gone succeeds.
   *
   * @throws FailedPreconditionError when rootfs cannot be unmounted or is not empty afterwards
   */
  async delete(): Promise<void> {
    const work = await this.workDir().catch(() => this.#workPath);
    const rootfs = this.rootfs;
    let canonicalRootfs: string | undefined;
    try {
      canonicalRootfs = await realpath(rootfs);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw fromSystemError(err, `resolve rootfs ${rootfs} of task "${this.id}"`);
    }
    if (canonicalRootfs !== undefined) {
      try {
        await unmountRecursive(canonicalRootfs);
      } catch (err) {
        throw new FailedPreconditionError(
          `unmount rootfs ${rootfs} of task "${this.id}": ${(err as Error).message}; the bundle was left in place`,
          { cause: err },
        );
      }
      try {
        await rmdir(rootfs);
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT') {
          throw fromSystemError(err, `remove rootfs ${rootfs} of task "${this.id}" (it must be empty once unmounted)`);
        }
      }
    }
    const failures: Error[] = [];
    try {
      await atomicDelete(this.path);
    } catch (err) {
      failures.push(fromSystemError(err, `remove bundle ${this.path}`));
    }
    if (work !== undefined) {
      try {
        this.#checkWorkPath(work);
        await atomicDelete(work);
      } catch (err) {
        failures.push(fromSystemError(err, `remove work dir ${work}`));
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new UnknownError(
        `delete task "${this.id}": both the bundle and the work dir could not be removed: ${failures.map((f) => f.message).join('; ')}`,
        { cause: new AggregateError(failures) },
      );
    }
  }

  /** Refuses a `work` link that does not end in `<ns>/<id>`, so a tampered link never deletes elsewhere. */
  #checkWorkPath(work: string): void {
    if (basename(work) !== this.id || basename(dirname(work)) !== this.namespace) {
      throw new FailedPreconditionError(
        `the work link of bundle ${this.path} points to ${work}, which is not a work dir of "${this.namespace}/${this.id}"; not removing it`,
      );
    }
  }

  async #writeFile(name: string, content: string): Promise<void> {
    const path = join(this.path, name);
    try {
      await atomicWrite(path, content);
    } catch (err) {
      throw fromSystemError(err, `write ${path} of task "${this.id}"`);
    }
  }

  async #readFile(name: string, whyMissing: string): Promise<string> {
    const path = join(this.path, name);
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') {
        throw new NotFoundError(`${path} does not exist: ${whyMissing}`, { cause: err });
      }
      throw fromSystemError(err, `read ${path} of task "${this.id}"`);
    }
  }
}
