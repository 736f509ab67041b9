import type { Readable } from 'node:stream';
import type { Any } from '@bufbuild/protobuf/wkt';
import { connectGrpc, defaultNamespace, type GrpcCallOptions, type GrpcConnection, type introspectionV1 } from '@proj/api';
import { isNotFound, UnavailableError } from '@proj/errdefs';
import type { IOContext } from './cio.js';
import { Container, type ContainerHost, type NewContainerOpt } from './container.js';
import type { ContainerRecord } from './container-record.js';
import { fromWireContainer, toWireContainer } from './container-record.js';
import { ContentStore } from './content.js';
import type { ClientContext } from './context.js';
import { type Event, publish, subscribe, type SubscribeOptions } from './events.js';
import { Image, toImageRecord } from './image.js';
import { importArchive, type ImportOptions } from './import.js';
import { labels as wellKnown } from './labels.js';
import { type Lease, type LeaseCreateOptions, LeaseManager } from './leases.js';
import { NamespaceStore } from './namespaces.js';
import type { CallOptions, FifoMaker } from './options.js';
import { createServices, type Services } from './services.js';
import { SnapshotService } from './snapshots.js';
import type { UnpackProgress } from './image.js';

/** Options of a {@link Client}. */
export interface ClientOptions {
  /** Namespace of every call (default `default`). */
  namespace?: string;
  /** Runtime of new containers (default `io.containerd.runc.v2`, or the namespace's `containerd.io/defaults/runtime`). */
  defaultRuntime?: string;
  /** Snapshotter when neither the call nor the namespace names one (default `overlayfs`). */
  defaultSnapshotter?: string;
  /**
   * How to make FIFOs for stdio (`withStreams`, `terminal`): Node cannot, so pass one, e.g.
   * `mkfifo` from `@proj/mount`. Without it only `nullIO` and `logFile` work.
   */
  mkfifo?: FifoMaker;
  /** Where FIFO directories go (default `/run/containerd/fifo`, as containerd's client). */
  fifoDir?: string;
}

/** Options of {@link Client.import}. */
export interface ClientImportOptions extends ImportOptions {
  /** Unpack every imported image (default true, as `ctr images import`); a name picks the snapshotter. */
  unpack?: boolean | { snapshotter?: string };
  /** Called per layer while unpacking. */
  onUnpackProgress?: (progress: UnpackProgress) => void;
}

/** containerd and the daemon's identity, from Version and Introspection. */
export interface VersionInfo {
  version: string;
  revision: string;
}

/** A plugin of the daemon as Introspection lists it. */
export interface PluginInfo {
  type: string;
  id: string;
  requires: string[];
  platforms: { os: string; architecture: string; variant: string }[];
  exports: Record<string, string>;
  capabilities: string[];
  /** Set when the plugin failed to load. */
  initError?: { code: number; message: string };
}

interface Shared {
  connection: GrpcConnection;
  services: Services;
  closed: boolean;
}

const fromClient = Symbol('fromClient');

/** What a client passes to the clients it derives (withNamespace, withLeaseId); not constructible outside. */
interface Derived {
  readonly [fromClient]: true;
  shared: Shared;
  lease: string | undefined;
}

/**
 * A client of a containerd-compatible daemon (a real containerd or ours) over its gRPC socket.
 * Every call takes `{ signal }`; every call carries the client's namespace and, inside
 * `withLease`, its lease. Errors are `@proj/errdefs` classes with the daemon's message.
 *
 * ```ts
 * const client = new Client('/run/containerd/containerd.sock', { namespace: 'demo', mkfifo });
 * ```
 */
export class Client implements ContainerHost, ClientContext {
  /** The socket path or `unix://` address. */
  readonly address: string;
  /** Namespace of every call. */
  readonly namespace: string;
  /** Lease of every call, inside {@link Client.withLease}. */
  readonly lease: string | undefined;
  /** Default runtime of new containers. */
  readonly defaultRuntime: string;
  /** FIFO maker for stdio, if given. */
  readonly mkfifo: FifoMaker | undefined;
  /** Where FIFO directories go. */
  readonly fifoDir: string;
  readonly #options: ClientOptions;
  readonly #shared: Shared;

  /**
   * A client of the daemon at `address` (a socket path or `unix://` URL). The connection is made
   * lazily; {@link Client.connect} also waits until the daemon answers.
   */
  constructor(address: string, options: ClientOptions = {}, derived?: Derived) {
    const shared = derived?.[fromClient] ? derived.shared : undefined;
    const lease = derived?.[fromClient] ? derived.lease : undefined;
    this.address = address;
    this.#options = options;
    this.namespace = options.namespace ?? defaultNamespace;
    this.defaultRuntime = options.defaultRuntime ?? 'io.containerd.runc.v2';
    this.mkfifo = options.mkfifo;
    this.fifoDir = options.fifoDir ?? '/run/containerd/fifo';
    this.lease = lease;
    if (shared) this.#shared = shared;
    else {
      const connection = connectGrpc(address);
      this.#shared = { connection, services: createServices(connection), closed: false };
    }
  }

  /** Connects and waits until the daemon answers (Unavailable after `timeoutMs`, default 10 s). */
  static async connect(address: string, options: ClientOptions & { timeoutMs?: number } = {}): Promise<Client> {
    const client = new Client(address, options);
    try {
      await client.#shared.connection.waitForReady(options.timeoutMs ?? 10_000);
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  /** The typed gRPC clients, for anything this client does not wrap. */
  get services(): Services {
    if (this.#shared.closed) throw new UnavailableError(`client of ${this.address} is closed`);
    return this.#shared.services;
  }

  /** gRPC call options for `options`: namespace, lease, signal. */
  call(options: CallOptions = {}): GrpcCallOptions {
    return {
      namespace: this.namespace,
      ...(this.lease ? { lease: this.lease } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
  }

  /** What IO creators get. */
  ioContext(): IOContext {
    return { mkfifo: this.mkfifo, fifoDir: this.fifoDir };
  }

  /** The same connection in another namespace. */
  withNamespace(namespace: string): Client {
    return new Client(this.address, { ...this.#options, namespace }, { [fromClient]: true, shared: this.#shared, lease: this.lease });
  }

  /** The same connection, every call carrying lease `id`. */
  withLeaseId(id: string): Client {
    return new Client(this.address, this.#options, { [fromClient]: true, shared: this.#shared, lease: id });
  }

  /**
   * Runs `fn` with a client whose calls carry a new lease (expiring in 24 h), and deletes the
   * lease afterwards: objects created inside stay only if something else references them.
   * Inside an existing lease, `fn` runs under that one.
   */
  async withLease<T>(fn: (client: Client) => Promise<T>, options: LeaseCreateOptions = {}): Promise<T> {
    if (this.lease) return fn(this);
    const lease = await this.leases.create(options);
    try {
      return await fn(this.withLeaseId(lease.id));
    } finally {
      await this.leases.delete(lease.id).catch(() => undefined);
    }
  }

  /** Closes the connection; calls in flight fail. Clients made by withNamespace/withLease share it. */
  close(): void {
    if (this.#shared.closed) return;
    this.#shared.closed = true;
    this.#shared.connection.close();
  }

  /** The daemon's version. */
  async version(options: CallOptions = {}): Promise<VersionInfo> {
    const r = await this.services.version.version({}, this.call(options));
    return { version: r.version, revision: r.revision };
  }

  /** The daemon's UUID (Introspection Server). */
  async server(options: CallOptions = {}): Promise<{ uuid: string }> {
    const r = await this.services.introspection.server({}, this.call(options));
    return { uuid: r.uuid };
  }

  /** The daemon's plugins, optionally filtered (`type==io.containerd.snapshotter.v1`). */
  async plugins(filters: string[] = [], options: CallOptions = {}): Promise<PluginInfo[]> {
    const r = await this.services.introspection.plugins({ filters }, this.call(options));
    return r.plugins.map((p: introspectionV1.Plugin) => {
      const out: PluginInfo = {
        type: p.type,
        id: p.id,
        requires: [...p.requires],
        platforms: p.platforms.map((x) => ({ os: x.os, architecture: x.architecture, variant: x.variant })),
        exports: { ...p.exports },
        capabilities: [...p.capabilities],
      };
      if (p.initErr) out.initError = { code: p.initErr.code, message: p.initErr.message };
      return out;
    });
  }

  /** Whether the daemon answers (Version). */
  async isServing(options: CallOptions = {}): Promise<boolean> {
    try {
      await this.version(options);
      return true;
    } catch {
      return false;
    }
  }

  /** The Namespaces service. */
  get namespaces(): NamespaceStore {
    return new NamespaceStore(this);
  }

  /** The Leases service. */
  get leases(): LeaseManager {
    return new LeaseManager(this);
  }

  /** The content store. */
  get content(): ContentStore {
    return new ContentStore(this);
  }

  /** A snapshotter by name. */
  snapshotService(name: string): SnapshotService {
    return new SnapshotService(this, name);
  }

  /** The snapshotter to use: `name`, else the namespace's default label, else the client's default (`overlayfs`). */
  async resolveSnapshotter(name?: string, options: CallOptions = {}): Promise<string> {
    if (name) return name;
    return (await this.#namespaceLabel(wellKnown.defaultSnapshotter, options)) ?? this.#options.defaultSnapshotter ?? 'overlayfs';
  }

  async #namespaceLabel(key: string, options: CallOptions): Promise<string | undefined> {
    try {
      return (await this.namespaces.labels(this.namespace, options))[key] || undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Creates a container from options (run under a lease, as containerd's client does). */
  async newContainer(id: string, opts: NewContainerOpt[], options: CallOptions = {}): Promise<Container> {
    return this.withLease(async (client) => {
      const runtime = (await client.#namespaceLabel(wellKnown.defaultRuntime, options)) ?? this.defaultRuntime;
      const record: ContainerRecord = { id, labels: {}, image: '', runtime: { name: runtime }, snapshotter: '', snapshotKey: '', extensions: {} };
      for (const opt of opts) await opt({ host: client, ...(options.signal ? { signal: options.signal } : {}) }, record);
      const r = await client.services.containers.create({ container: toWireContainer(record) }, client.call(options));
      return new Container(this, fromWireContainer(r.container));
    }, options);
  }

  /** Loads an existing container; NotFound when it does not exist. */
  async loadContainer(id: string, options: CallOptions = {}): Promise<Container> {
    const r = await this.services.containers.get({ id }, this.call(options));
    return new Container(this, fromWireContainer(r.container));
  }

  /** Containers matching any of `filters` (fields `id`, `image`, `runtime.name`, `labels.<k>`). */
  async containers(filters: string[] = [], options: CallOptions = {}): Promise<Container[]> {
    const r = await this.services.containers.list({ filters }, this.call(options));
    return r.containers.map((c) => new Container(this, fromWireContainer(c)));
  }

  /**
   * Imports an OCI layout or Docker archive tar (a stream, e.g. `fs.createReadStream`) under a
   * lease, creates an image per named manifest and (by default) unpacks each one.
   */
  async import(archive: Readable | AsyncIterable<Uint8Array>, options: ClientImportOptions = {}): Promise<Image[]> {
    const images = await this.withLease(async (client) => {
      const records = await importArchive(client, archive, options);
      return records.map((record) => new Image(this, record));
    }, options);
    if (options.unpack ?? true) {
      const snapshotter = typeof options.unpack === 'object' ? options.unpack.snapshotter : undefined;
      for (const image of images) {
        await image.unpack({
          ...(options.signal ? { signal: options.signal } : {}),
          ...(snapshotter ? { snapshotter } : {}),
          ...(options.onUnpackProgress ? { onProgress: options.onUnpackProgress } : {}),
        });
      }
    }
    return images;
  }

  /** An image by name; NotFound when there is none. */
  async getImage(name: string, options: CallOptions = {}): Promise<Image> {
    const r = await this.services.images.get({ name }, this.call(options));
    return new Image(this, toImageRecord(r.image));
  }

  /** Images matching any of `filters` (fields `name`, `target.digest`, `labels.<k>`, ...). */
  async listImages(filters: string[] = [], options: CallOptions = {}): Promise<Image[]> {
    const r = await this.services.images.list({ filters }, this.call(options));
    return r.images.map((i) => new Image(this, toImageRecord(i)));
  }

  /** Deletes an image record (its content goes with garbage collection; `sync` waits for it). */
  async deleteImage(name: string, options: CallOptions & { sync?: boolean } = {}): Promise<void> {
    await this.services.images.delete({ name, sync: options.sync ?? false }, this.call(options));
  }

  /** Subscribes to events (default: this namespace's). */
  subscribe(options: SubscribeOptions = {}): AsyncGenerator<Event> {
    return subscribe(this, options);
  }

  /** Publishes an event in this namespace (e.g. `packAny(schema, message)` of an event type). */
  publish(topic: string, event: Any, options: CallOptions = {}): Promise<void> {
    return publish(this, topic, event, options);
  }

  /** Creates a lease (see {@link LeaseManager.create}). */
  createLease(options: LeaseCreateOptions = {}): Promise<Lease> {
    return this.leases.create(options);
  }
}
