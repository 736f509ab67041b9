import { randomBytes } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import { fromTimestamp, type imagesV1 } from '@proj/api';
import { InvalidArgumentError, isAlreadyExists, isNotFound, NotFoundError } from '@proj/errdefs';
import type { ClientContext } from './context.js';
import { type Descriptor, fromWireDescriptor, isIndexType, isManifestType } from './descriptor.js';
import { chainIds } from './digest.js';
import type { ImageRecord, OciImageConfig, OciIndex, OciManifest } from './image-types.js';
import { labels as wellKnown } from './labels.js';
import { ContentStore } from './content.js';
import { SnapshotService } from './snapshots.js';
import { hostPlatform, matchesHostPlatform, type CallOptions } from './options.js';
import { toWireDescriptor } from './descriptor.js';
import { generateLeaseId } from './leases.js';
import { type Mount, toWireMounts } from './mount.js';

/** A progress report of an unpack, one per layer. */
export interface UnpackProgress {
  /** The image being unpacked. */
  image: string;
  /** Index of the layer, bottom first. */
  layer: number;
  /** Number of layers. */
  layers: number;
  /** The layer's chain id (the snapshot name). */
  chainId: string;
  /** `exists`: the snapshot was there already; `extracting`: applying now; `done`: committed. */
  status: 'exists' | 'extracting' | 'done';
}

/** Options of {@link Image.unpack}. */
export interface UnpackOptions extends CallOptions {
  /** Snapshotter; default the namespace's default (label `containerd.io/defaults/snapshotter`), else `overlayfs`. */
  snapshotter?: string;
  /** Called for each layer. */
  onProgress?: (progress: UnpackProgress) => void;
}

/** The parts of the client an image needs. */
export interface ImageHost extends ClientContext {
  /** Runs `fn` under a lease (the current one if there is one). */
  withLease<T>(fn: (ctx: ClientContext) => Promise<T>, options?: CallOptions): Promise<T>;
  /** The default snapshotter of the namespace. */
  resolveSnapshotter(name: string | undefined, options?: CallOptions): Promise<string>;
}

/** Converts a wire image to an {@link ImageRecord}. */
export function toImageRecord(image: imagesV1.Image | undefined): ImageRecord {
  const out: ImageRecord = { name: image?.name ?? '', labels: { ...(image?.labels ?? {}) }, target: fromWireDescriptor(image?.target) };
  const created = fromTimestamp(image?.createdAt);
  const updated = fromTimestamp(image?.updatedAt);
  if (created) out.createdAt = created;
  if (updated) out.updatedAt = updated;
  return out;
}

/** Converts an {@link ImageRecord} to its wire form. */
export function toWireImage(record: Pick<ImageRecord, 'name' | 'target'> & { labels?: Record<string, string> }): MessageInitShape<typeof imagesV1.ImageSchema> {
  return { name: record.name, labels: record.labels ?? {}, target: toWireDescriptor(record.target) };
}

/**
 * An image in the daemon's image store: a name pointing at a manifest (or index) in the content
 * store. Read its config and root filesystem, unpack it into a snapshotter.
 */
export class Image {
  readonly #host: ImageHost;
  #record: ImageRecord;
  // Content is immutable under a digest: the manifest and config are read once per image object.
  #manifest: Promise<{ descriptor: Descriptor; manifest: OciManifest }> | undefined;
  #config: Promise<{ descriptor: Descriptor; config: OciImageConfig }> | undefined;

  /** @internal */
  constructor(host: ImageHost, record: ImageRecord) {
    this.#host = host;
    this.#record = record;
  }

  /** The image's name, e.g. `docker.io/library/busybox:latest`. */
  get name(): string {
    return this.#record.name;
  }

  /** The descriptor the name points at (a manifest or an index). */
  get target(): Descriptor {
    return this.#record.target;
  }

  /** The labels of the image record. */
  get labels(): Record<string, string> {
    return this.#record.labels;
  }

  /** The whole image record. */
  get record(): ImageRecord {
    return this.#record;
  }

  /** The manifest for this host's platform (the target itself, or picked from an index). */
  manifest(options: CallOptions = {}): Promise<{ descriptor: Descriptor; manifest: OciManifest }> {
    if (!this.#manifest) {
      this.#manifest = this.#readManifest(options);
      this.#manifest.catch(() => (this.#manifest = undefined));
    }
    return this.#manifest;
  }

  async #readManifest(options: CallOptions): Promise<{ descriptor: Descriptor; manifest: OciManifest }> {
    const content = new ContentStore(this.#host);
    let descriptor = this.#record.target;
    for (let depth = 0; depth < 4; depth++) {
      if (isManifestType(descriptor.mediaType)) {
        return { descriptor, manifest: await content.readJson<OciManifest>(descriptor.digest, options) };
      }
      if (!isIndexType(descriptor.mediaType)) {
        throw new InvalidArgumentError(`image ${this.name}: unsupported media type ${descriptor.mediaType} for ${descriptor.digest}`);
      }
      const index = await content.readJson<OciIndex>(descriptor.digest, options);
      const host = hostPlatform();
      const pick =
        index.manifests.find((m) => m.platform !== undefined && matchesHostPlatform(m.platform)) ??
        index.manifests.find((m) => m.platform === undefined) ??
        (index.manifests.length === 1 ? index.manifests[0] : undefined);
      if (!pick) throw new NotFoundError(`image ${this.name}: no manifest for ${host.os}/${host.architecture} in index ${descriptor.digest}`);
      descriptor = pick;
    }
    throw new InvalidArgumentError(`image ${this.name}: indexes nested too deep`);
  }

  /** The image config (descriptor and parsed JSON). */
  config(options: CallOptions = {}): Promise<{ descriptor: Descriptor; config: OciImageConfig }> {
    if (!this.#config) {
      this.#config = (async () => {
        const { manifest } = await this.manifest(options);
        const config = await new ContentStore(this.#host).readJson<OciImageConfig>(manifest.config.digest, options);
        return { descriptor: manifest.config, config };
      })();
      this.#config.catch(() => (this.#config = undefined));
    }
    return this.#config;
  }

  /** The diff ids of the image's layers, bottom first (`rootfs.diff_ids` of the config). */
  async rootFS(options: CallOptions = {}): Promise<string[]> {
    const { config } = await this.config(options);
    return [...(config.rootfs?.diff_ids ?? [])];
  }

  /** Sets the given labels on the image record (an empty value removes one); only those keys change. */
  async setLabels(labels: Record<string, string>, options: CallOptions = {}): Promise<Record<string, string>> {
    const r = await this.#host.services.images.update(
      {
        image: { name: this.name, labels, target: toWireDescriptor(this.target) },
        updateMask: create(FieldMaskSchema, { paths: Object.keys(labels).map((key) => `labels.${key}`) }),
      },
      this.#host.call(options),
    );
    this.#record = toImageRecord(r.image);
    return this.#record.labels;
  }

  /** Deletes the image record (content and snapshots go with garbage collection; `sync` waits for it). */
  async delete(options: CallOptions & { sync?: boolean } = {}): Promise<void> {
    await this.#host.services.images.delete({ name: this.name, sync: options.sync ?? false }, this.#host.call(options));
  }

  /** Whether the image's top snapshot exists in `snapshotter`. */
  async isUnpacked(snapshotter?: string, options: CallOptions = {}): Promise<boolean> {
    const name = await this.#host.resolveSnapshotter(snapshotter, options);
    const top = chainIds(await this.rootFS(options)).at(-1);
    if (top === undefined) return true;
    try {
      await new SnapshotService(this.#host, name).stat(top, options);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * Unpacks the layers into a snapshotter as containerd's client does: for each layer missing
   * as a committed snapshot named by its chain id, Prepare a temporary key, Diff/Apply the layer
   * blob, check the diff id, Commit; then label the config with the top snapshot so the
   * garbage collector keeps the chain. Runs under a lease.
   */
  async unpack(options: UnpackOptions = {}): Promise<void> {
    const snapshotter = await this.#host.resolveSnapshotter(options.snapshotter, options);
    await this.#host.withLease(async (ctx) => {
      const content = new ContentStore(ctx);
      const snapshots = new SnapshotService(ctx, snapshotter);
      const { manifest } = await this.manifest(options);
      const config = await content.readJson<OciImageConfig>(manifest.config.digest, options);
      const diffIds = config.rootfs?.diff_ids ?? [];
      if (diffIds.length !== manifest.layers.length) {
        throw new InvalidArgumentError(`image ${this.name}: ${manifest.layers.length} layers but ${diffIds.length} diff ids in the config`);
      }
      const chain = chainIds(diffIds);
      for (let i = 0; i < chain.length; i++) {
        const chainId = chain[i]!;
        const report = (status: UnpackProgress['status']) =>
          options.onProgress?.({ image: this.name, layer: i, layers: chain.length, chainId, status });
        try {
          await snapshots.stat(chainId, options);
          report('exists');
          continue;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        report('extracting');
        const parent = i === 0 ? '' : chain[i - 1]!;
        const layer = manifest.layers[i]!;
        let key = '';
        let mounts: Mount[] = [];
        for (let attempt = 0; ; attempt++) {
          key = `extract-${generateLeaseId().split('-')[0]}-${randomBytes(3).toString('base64url')} ${chainId}`;
          try {
            mounts = await snapshots.prepare(key, parent, options);
            break;
          } catch (err) {
            if (isAlreadyExists(err) && attempt < 3) continue;
            throw err;
          }
        }
        try {
          const applied = await ctx.services.diff.apply({ diff: toWireDescriptor(layer), mounts: toWireMounts(mounts) }, ctx.call(options));
          if (applied.applied?.digest !== diffIds[i]) {
            throw new InvalidArgumentError(`image ${this.name}: layer ${layer.digest} unpacked to ${applied.applied?.digest}, not diff id ${diffIds[i]}: wrong diff id`);
          }
          try {
            await snapshots.commit(chainId, key, options);
          } catch (err) {
            if (!isAlreadyExists(err)) throw err;
            await snapshots.remove(key, options);
          }
        } catch (err) {
          await snapshots.remove(key).catch(() => undefined);
          throw err;
        }
        await content.setLabels(layer.digest, { [wellKnown.uncompressed]: diffIds[i]! }, options);
        report('done');
      }
      const top = chain.at(-1);
      if (top !== undefined) {
        await content.setLabels(manifest.config.digest, { [`${wellKnown.gcRefSnapshot}.${snapshotter}`]: top }, options);
      }
    }, options);
  }
}
