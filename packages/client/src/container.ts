import { randomBytes } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema, type Any } from '@bufbuild/protobuf/wkt';
import { packAny, runcOptionsV1 } from '@proj/api';
import { FailedPreconditionError, InvalidArgumentError, isNotFound, NotFoundError } from '@proj/errdefs';
import type { IOAttach, IOCreator } from './cio.js';
import { fromWireContainer, toWireContainer, type ContainerRecord } from './container-record.js';
import { ContentStore } from './content.js';
import { type Descriptor, fromWireDescriptor, mediaTypes } from './descriptor.js';
import type { ClientContext } from './context.js';
import { SnapshotService } from './snapshots.js';
import { sha256 } from './digest.js';
import { Image, type ImageHost, toImageRecord } from './image.js';
import { labels as wellKnown } from './labels.js';
import type { OciIndex } from './image-types.js';
import { type Mount, toWireMounts } from './mount.js';
import { hostPlatform, type CallOptions } from './options.js';
import type { Spec } from './spec-types.js';
import { Task, type TaskHost } from './task.js';

/** The parts of the client containers and their options need. */
export interface ContainerHost extends TaskHost, ImageHost {
  /** The content store. */
  readonly content: ContentStore;
  /** The default runtime (`io.containerd.runc.v2`). */
  readonly defaultRuntime: string;
  /** A snapshotter by name. */
  snapshotService(name: string): SnapshotService;
  /** An image by name. */
  getImage(name: string, options?: CallOptions): Promise<Image>;
}

/** What container options get. */
export interface OptContext {
  host: ContainerHost;
  signal?: AbortSignal;
}

/** An option of `newContainer`: edits the record before it is created. */
export type NewContainerOpt = (ctx: OptContext, container: ContainerRecord) => void | Promise<void>;

/** An option of `container.update`: edits the record before it is written. */
export type UpdateContainerOpt = NewContainerOpt;

/** Options of {@link Container.newTask}. */
export interface NewTaskOptions extends CallOptions {
  /** Extra rootfs mounts (after the snapshot's). */
  rootfs?: Mount[];
  /** Runtime options (e.g. `containerd.runc.v1.Options` packed with `packAny`). */
  runtimeOptions?: Any;
  /** Restore from this checkpoint descriptor. */
  checkpoint?: Descriptor;
}

/** Options of {@link Container.checkpoint}. */
export interface CheckpointOptions extends CallOptions {
  /** Checkpoint the running task's processes with CRIU (default true). */
  task?: boolean;
  /** Stop the task after checkpointing it. */
  exit?: boolean;
  /** Include the image's manifest in the checkpoint (default true). */
  image?: boolean;
  /** Include the root filesystem's changes as a layer (Diff/Diff of the snapshot against its parent). */
  rw?: boolean;
}

/** Annotations a checkpoint index carries (as containerd's client writes them). */
export const checkpointAnnotations = {
  imageName: 'org.opencontainers.image.ref.name',
  runtime: 'io.containerd.checkpoint.runtime',
  snapshotter: 'io.containerd.checkpoint.snapshotter',
} as const;

/**
 * A container: a metadata record (spec, runtime, root filesystem snapshot, labels) from which
 * tasks are created. Deleting it refuses while it has a task.
 */
export class Container {
  /** The container id. */
  readonly id: string;
  readonly #host: ContainerHost;
  #record: ContainerRecord;

  /** @internal */
  constructor(host: ContainerHost, record: ContainerRecord) {
    this.#host = host;
    this.id = record.id;
    this.#record = record;
  }

  async #get(options: CallOptions): Promise<ContainerRecord> {
    const r = await this.#host.services.containers.get({ id: this.id }, this.#host.call(options));
    return fromWireContainer(r.container);
  }

  /** The container record; refreshed from the daemon unless `refresh: false`. */
  async info(options: CallOptions & { refresh?: boolean } = {}): Promise<ContainerRecord> {
    if (options.refresh ?? true) this.#record = await this.#get(options);
    return this.#record;
  }

  /** The container's labels. */
  async labels(options: CallOptions = {}): Promise<Record<string, string>> {
    return (await this.#get(options)).labels;
  }

  /**
   * Sets only the given labels (an empty value removes one) through `labels.<key>` field paths;
   * returns every label after the update.
   */
  async setLabels(labels: Record<string, string>, options: CallOptions = {}): Promise<Record<string, string>> {
    const r = await this.#host.services.containers.update(
      {
        container: { id: this.id, labels },
        updateMask: create(FieldMaskSchema, { paths: Object.keys(labels).map((key) => `labels.${key}`) }),
      },
      this.#host.call(options),
    );
    return { ...(r.container?.labels ?? {}) };
  }

  /** The container's extensions. */
  async extensions(options: CallOptions = {}): Promise<Record<string, Any>> {
    return (await this.#get(options)).extensions;
  }

  /** The OCI runtime spec. */
  async spec(options: CallOptions = {}): Promise<Spec> {
    const record = await this.#get(options);
    if (!record.spec) throw new NotFoundError(`container ${this.id} has no spec`);
    return record.spec;
  }

  /** The image the container was made from; NotFound when it was not made from one. */
  async image(options: CallOptions = {}): Promise<Image> {
    const record = await this.#get(options);
    if (!record.image) throw new NotFoundError(`container ${this.id} was not created from an image`);
    try {
      return await this.#host.getImage(record.image, options);
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(`image ${record.image} of container ${this.id}: not found`, { cause: err });
      throw err;
    }
  }

  /** Applies `opts` to the current record and writes it back (a full update). */
  async update(opts: UpdateContainerOpt[], options: CallOptions = {}): Promise<void> {
    const record = await this.#get(options);
    for (const opt of opts) await opt({ host: this.#host, ...(options.signal ? { signal: options.signal } : {}) }, record);
    const r = await this.#host.services.containers.update({ container: toWireContainer(record) }, this.#host.call(options));
    this.#record = fromWireContainer(r.container);
  }

  /**
   * Deletes the container. FailedPrecondition while it has a task (delete the task first).
   * With `withSnapshotCleanup`, removes its root filesystem snapshot too.
   */
  async delete(options: CallOptions & { withSnapshotCleanup?: boolean } = {}): Promise<void> {
    try {
      await this.#host.services.tasks.get({ containerId: this.id }, this.#host.call(options));
      throw new FailedPreconditionError(`cannot delete container ${this.id}: it has a task; kill and delete the task first`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const record = await this.#get(options);
    if (options.withSnapshotCleanup && record.snapshotKey && record.snapshotter) {
      try {
        await this.#host.snapshotService(record.snapshotter).remove(record.snapshotKey, options);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    await this.#host.services.containers.delete({ id: this.id }, this.#host.call(options));
  }

  /**
   * Creates the task (not started): IO from `ioCreator`, rootfs from the container's snapshot.
   * Then `const exit = task.wait(); await task.start(); await exit`.
   */
  async newTask(ioCreator: IOCreator, options: NewTaskOptions = {}): Promise<Task> {
    const io = await ioCreator(this.id, this.#host.ioContext());
    try {
      const record = await this.#get(options);
      const rootfs: Mount[] = [];
      if (record.snapshotKey) {
        if (!record.snapshotter) throw new InvalidArgumentError(`container ${this.id} has a snapshot key but no snapshotter: cannot resolve its rootfs mounts`);
        rootfs.push(...(await this.#host.snapshotService(record.snapshotter).mounts(record.snapshotKey, options)));
      }
      rootfs.push(...(options.rootfs ?? []));
      const r = await this.#host.services.tasks.create(
        {
          containerId: this.id,
          rootfs: toWireMounts(rootfs),
          stdin: io.config.stdin,
          stdout: io.config.stdout,
          stderr: io.config.stderr,
          terminal: io.config.terminal,
          ...(options.runtimeOptions ? { options: options.runtimeOptions } : {}),
          ...(options.checkpoint
            ? { checkpoint: { mediaType: options.checkpoint.mediaType, digest: options.checkpoint.digest, size: BigInt(options.checkpoint.size) } }
            : {}),
        },
        this.#host.call(options),
      );
      return new Task(this.#host, this.id, '', r.pid, io);
    } catch (err) {
      io.cancel();
      await io.close();
      throw err;
    }
  }

  /** The container's task; NotFound when it has none. With `attach`, re-attaches to its stdio FIFOs. */
  async task(attach?: IOAttach, options: CallOptions = {}): Promise<Task> {
    let r;
    try {
      r = await this.#host.services.tasks.get({ containerId: this.id }, this.#host.call(options));
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(`no running task found for container ${this.id}`, { cause: err });
      throw err;
    }
    const p = r.process;
    const io =
      attach && p && p.status !== 0
        ? await attach({ stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, terminal: p.terminal }, this.#host.ioContext())
        : undefined;
    return new Task(this.#host, this.id, '', p?.pid ?? 0, io);
  }

  /** The changes of the container's snapshot against its parent, as a gzip layer in the content store. */
  async #diffRootfs(ctx: ClientContext, info: ContainerRecord, options: CallOptions): Promise<Descriptor> {
    const snapshots = new SnapshotService(ctx, info.snapshotter);
    const stat = await snapshots.stat(info.snapshotKey, options);
    const unique = randomBytes(6).toString('hex');
    const lowerKey = `${stat.parent}-parent-view-${unique}`;
    const lower = await snapshots.view(lowerKey, stat.parent, options);
    const upperKey = stat.kind === 'active' ? undefined : `${info.snapshotKey}-view-${unique}`;
    try {
      const upper = upperKey ? await snapshots.view(upperKey, info.snapshotKey, options) : await snapshots.mounts(info.snapshotKey, options);
      const r = await ctx.services.diff.diff(
        { left: toWireMounts(lower), right: toWireMounts(upper), mediaType: mediaTypes.ociLayerGzip, ref: `checkpoint-rw-${info.snapshotKey}` },
        ctx.call(options),
      );
      return fromWireDescriptor(r.diff);
    } finally {
      await snapshots.remove(lowerKey).catch(() => undefined);
      if (upperKey) await snapshots.remove(upperKey).catch(() => undefined);
    }
  }

  /**
   * Checkpoints the container into an image named `ref`: an OCI index annotated with the
   * image name, runtime and snapshotter (as containerd's client does), holding the CRIU
   * checkpoint of the task and the image manifest. Runs under a lease.
   */
  async checkpoint(ref: string, options: CheckpointOptions = {}): Promise<Image> {
    const info = await this.info(options);
    const image = await this.image(options);
    return this.#host.withLease(async (ctx) => {
      const index: OciIndex = {
        schemaVersion: 2,
        manifests: [],
        annotations: {
          [checkpointAnnotations.imageName]: image.name,
          [checkpointAnnotations.runtime]: info.runtime.name,
          [checkpointAnnotations.snapshotter]: info.snapshotter,
        },
      };
      const platform = hostPlatform();
      if (options.task ?? true) {
        const task = await this.task(undefined, options);
        const criu = packAny(runcOptionsV1.CheckpointOptionsSchema, { exit: options.exit ?? false, fileLocks: true });
        for (const d of await task.checkpointBlobs(criu, options)) {
          index.manifests.push({ ...d, platform });
        }
      }
      if (options.image ?? true) index.manifests.push({ ...image.target, platform });
      if (options.rw && info.snapshotKey) {
        index.manifests.push({ ...(await this.#diffRootfs(ctx, info, options)), platform });
      }
      const data = Buffer.from(JSON.stringify({ ...index, mediaType: mediaTypes.ociIndex }));
      const descriptor: Descriptor = { mediaType: mediaTypes.ociIndex, digest: sha256(data), size: data.length };
      const content = new ContentStore(ctx);
      await content.writeBlob(`${this.id}index`, data, descriptor, {
        ...options,
        // The Go client's writeIndex: `containerd.io/gc.ref.content.<i>` whatever the child is.
        labels: Object.fromEntries(index.manifests.map((m, i) => [`${wellKnown.gcRefContent}.${i}`, m.digest])),
      });
      const r = await ctx.services.images.create(
        { image: { name: ref, target: { mediaType: descriptor.mediaType, digest: descriptor.digest, size: BigInt(descriptor.size) }, labels: { 'containerd.io/checkpoint': 'true' } } },
        ctx.call(options),
      );
      return new Image(this.#host, toImageRecord(r.image));
    }, options);
  }
}
