import { InvalidArgumentError, isNotFound } from '@proj/errdefs';
import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import type { ClientContext } from './context.js';
import { ContentStore } from './content.js';
import { type Descriptor, isIndexType, isManifestType, mediaTypes } from './descriptor.js';
import { sha256 } from './digest.js';
import type { ImageRecord, OciImageConfig, OciIndex, OciManifest } from './image-types.js';
import { toImageRecord, toWireImage } from './image.js';
import { childGcLabels, imageNameAnnotation, refNameAnnotation } from './labels.js';
import { type CallOptions, matchesHostPlatform } from './options.js';
import { readTar } from './tar.js';

/** A progress report of an import. */
export type ImportProgress =
  | { phase: 'write'; ref: string; written: number; total: number }
  | { phase: 'image'; name: string; digest: string };

/** Options of an archive import. */
export interface ImportOptions extends CallOptions {
  /** Name prefix for entries that only carry a tag (`org.opencontainers.image.ref.name`); default `import-<yyyy-mm-dd>`. */
  baseName?: string;
  /** Also name untagged manifests `<baseName>@<digest>`. */
  digests?: boolean;
  /** Called as blobs are written and images are created. */
  onProgress?: (progress: ImportProgress) => void;
}

interface Blob {
  digest: string;
  size: number;
  head: Buffer;
}

const smallFiles = new Set(['index.json', 'manifest.json', 'oci-layout', 'repositories']);

/**
 * Writes every file of an OCI layout or Docker archive tar into the content store (ref
 * `tar-<path>`), synthesizes manifests and an index for Docker archives, sets the garbage
 * collection labels (index → manifests, manifest → config and layers) and creates or updates
 * one image record per named manifest. Call it under a lease. Returns the image records.
 */
export async function importArchive(ctx: ClientContext, source: AsyncIterable<Uint8Array>, options: ImportOptions = {}): Promise<ImageRecord[]> {
  const content = new ContentStore(ctx);
  const blobs = new Map<string, Blob>();
  const links = new Map<string, string>();
  const files = new Map<string, Buffer>();
  for await (const { entry, body } of readTar(source)) {
    if (entry.type === '2' || entry.type === '1') {
      links.set(entry.name, entry.type === '2' ? resolveLink(entry.name, entry.linkname) : entry.linkname);
      continue;
    }
    if (entry.type !== '0' && entry.type !== '7') continue;
    if (smallFiles.has(entry.name)) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk);
      files.set(entry.name, Buffer.concat(chunks));
      if (entry.name !== 'index.json') continue;
    }
    let head = Buffer.alloc(0);
    const ref = `tar-${entry.name}`;
    const data = files.get(entry.name) ?? tap(body, (chunk) => {
      if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4)]);
    });
    const result = await content.write(ref, data, {
      ...options,
      total: entry.size,
      onProgress: (written) => options.onProgress?.({ phase: 'write', ref, written, total: entry.size }),
    });
    blobs.set(entry.name, { digest: result.digest, size: entry.size, head });
  }
  const blob = (path: string): Blob => {
    let at = path;
    for (let hops = 0; hops < 8 && !blobs.has(at) && links.has(at); hops++) at = links.get(at)!;
    const found = blobs.get(at);
    if (!found) throw new InvalidArgumentError(`archive: "${path}" is referenced but not in the archive`);
    return found;
  };

  let indexDescriptor: Descriptor;
  let index: OciIndex;
  const indexJson = files.get('index.json');
  const dockerJson = files.get('manifest.json');
  if (indexJson) {
    index = JSON.parse(indexJson.toString('utf8')) as OciIndex;
    indexDescriptor = { mediaType: mediaTypes.ociIndex, digest: sha256(indexJson), size: indexJson.length };
  } else if (dockerJson) {
    ({ index, descriptor: indexDescriptor } = await synthesizeDocker(content, JSON.parse(dockerJson.toString('utf8')), blob, options));
  } else {
    throw new InvalidArgumentError('archive has neither index.json (OCI layout) nor manifest.json (Docker archive): not an image archive');
  }

  await labelChildren(content, indexDescriptor, index, options);
  const baseName = options.baseName ?? `import-${new Date().toISOString().slice(0, 10)}`;
  const records: ImageRecord[] = [];
  for (const manifestDescriptor of index.manifests) {
    let name = manifestDescriptor.annotations?.[imageNameAnnotation];
    const ref = manifestDescriptor.annotations?.[refNameAnnotation];
    if (!name && ref) name = ref.includes(':') || ref.includes('/') ? ref : `${baseName}:${ref}`;
    if (!name && options.digests) name = `${baseName}@${manifestDescriptor.digest}`;
    if (!name) continue;
    const target: Descriptor = {
      mediaType: manifestDescriptor.mediaType,
      digest: manifestDescriptor.digest,
      size: manifestDescriptor.size,
      ...(manifestDescriptor.annotations ? { annotations: manifestDescriptor.annotations } : {}),
    };
    records.push(await putImage(ctx, name, target, options));
    options.onProgress?.({ phase: 'image', name, digest: target.digest });
  }
  return records;
}

async function* tap(body: AsyncIterable<Buffer>, see: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    see(chunk);
    yield chunk;
  }
}

function resolveLink(name: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = name.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/** Creates the image, or points an existing one at the new target (Update first, Create on NotFound). */
async function putImage(ctx: ClientContext, name: string, target: Descriptor, options: CallOptions): Promise<ImageRecord> {
  const image = toWireImage({ name, target });
  try {
    const r = await ctx.services.images.update({ image, updateMask: create(FieldMaskSchema, { paths: ['target'] }) }, ctx.call(options));
    return toImageRecord(r.image);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const r = await ctx.services.images.create({ image }, ctx.call(options));
    return toImageRecord(r.image);
  }
}

/**
 * Sets the gc.ref labels as the Go client's import walk does: on an index for its children of
 * this host's platform (or of none), on a manifest for its config and layers, recursively.
 * Children of other platforms are neither labelled nor read: archives often hold only this
 * host's manifests of a multi-platform index.
 */
async function labelChildren(content: ContentStore, descriptor: Descriptor, index: OciIndex, options: CallOptions): Promise<void> {
  const children = index.manifests.filter((m) => matchesHostPlatform(m.platform));
  if (children.length > 0) await content.setLabels(descriptor.digest, childGcLabels(children), options);
  for (const child of children) {
    if (isIndexType(child.mediaType)) {
      await labelChildren(content, child, await content.readJson<OciIndex>(child.digest, options), options);
    } else if (isManifestType(child.mediaType)) {
      const manifest = await content.readJson<OciManifest>(child.digest, options);
      await content.setLabels(child.digest, childGcLabels([manifest.config, ...manifest.layers]), options);
    }
  }
}

interface DockerEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** Docker archives: a schema 2 manifest per entry, then an OCI index naming each tag. */
async function synthesizeDocker(
  content: ContentStore,
  entries: DockerEntry[],
  blob: (path: string) => Blob,
  options: CallOptions,
): Promise<{ index: OciIndex; descriptor: Descriptor }> {
  const manifests: Descriptor[] = [];
  for (const entry of entries) {
    const config = blob(entry.Config);
    const configJson = await content.readJson<OciImageConfig>(config.digest, options);
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: mediaTypes.dockerManifest,
      config: { mediaType: mediaTypes.dockerConfig, digest: config.digest, size: config.size },
      layers: entry.Layers.map((path) => {
        const layer = blob(path);
        const gzip = layer.head[0] === 0x1f && layer.head[1] === 0x8b;
        return { mediaType: gzip ? mediaTypes.dockerLayerGzip : mediaTypes.dockerLayer, digest: layer.digest, size: layer.size };
      }),
    };
    const data = Buffer.from(JSON.stringify(manifest));
    const descriptor: Descriptor = { mediaType: mediaTypes.dockerManifest, digest: sha256(data), size: data.length };
    await content.writeBlob(`manifest-${descriptor.digest}`, data, descriptor, options);
    const platform = { os: configJson.os, architecture: configJson.architecture };
    const tags = entry.RepoTags ?? [];
    if (tags.length === 0) manifests.push({ ...descriptor, platform });
    for (const tag of tags) {
      const name = normalizeImageName(tag);
      const refName = name.slice(name.lastIndexOf(':') + 1);
      manifests.push({ ...descriptor, platform, annotations: { [imageNameAnnotation]: name, [refNameAnnotation]: refName } });
    }
  }
  const index: OciIndex = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests };
  const data = Buffer.from(JSON.stringify(index));
  const descriptor: Descriptor = { mediaType: mediaTypes.ociIndex, digest: sha256(data), size: data.length };
  await content.writeBlob(`index-${descriptor.digest}`, data, descriptor, options);
  return { index, descriptor };
}

/** Docker's name normalization: `busybox` → `docker.io/library/busybox:latest`. */
export function normalizeImageName(name: string): string {
  let out = name;
  const slash = out.indexOf('/');
  const first = slash === -1 ? '' : out.slice(0, slash);
  if (slash === -1) out = `docker.io/library/${out}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') out = `docker.io/${out}`;
  const lastPart = out.slice(out.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) out = `${out}:latest`;
  return out;
}
