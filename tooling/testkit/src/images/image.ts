import { sha256Digest, chainIds as computeChainIds } from './digest.js';
import { buildLayer, type Compression, type Layer } from './layer.js';
import { normalizeImageName } from './name.js';
import type { TarEntry } from './tar.js';

/** OCI media types of the image manifest and config. */
export const ociMediaTypes = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
} as const;

/** The fixed creation time of every image and history entry that names none. */
export const FIXED_CREATED = '2024-01-01T00:00:00Z';

/** The runtime part of an image config (OCI `config`), with the OCI/Docker field names. */
export interface ImageRuntimeConfig {
  /** `user`, `uid`, `user:group` or `uid:gid`; empty means root. */
  User?: string;
  /** `NAME=value` strings. */
  Env?: string[];
  /** Default arguments (or the command, without an entrypoint). */
  Cmd?: string[];
  /** The executable and first arguments. */
  Entrypoint?: string[];
  /** The working directory of the process. */
  WorkingDir?: string;
  /** Image labels. */
  Labels?: Record<string, string>;
  /** Signal that stops the container, such as `SIGTERM`. */
  StopSignal?: string;
  /** Ports as `port/proto` keys with empty objects. */
  ExposedPorts?: Record<string, Record<string, never>>;
  /** Volume paths as keys with empty objects. */
  Volumes?: Record<string, Record<string, never>>;
}

/** One layer of an {@link ImageSpec}: its entries and the history line that describes it. */
export interface LayerSpec {
  /** The tar entries, in order. */
  entries: readonly TarEntry[];
  /** History `created_by`; default `testkit layer <i>`. */
  createdBy?: string;
  /** History `comment`. */
  comment?: string;
}

/** What {@link buildImage} builds. */
export interface ImageSpec {
  /** Image name; normalized like `docker.io/library/busybox:latest` (`busybox` gets that prefix and tag). */
  name: string;
  /** Layers from bottom to top. */
  layers: readonly (LayerSpec | readonly TarEntry[])[];
  /** The runtime config. */
  config?: ImageRuntimeConfig;
  /** Default: the host's architecture in OCI terms (`amd64`, `arm64`, ...), so containerd unpacks it. */
  architecture?: string;
  /** Default `linux`. */
  os?: string;
  /** Creation time (RFC 3339); default {@link FIXED_CREATED}. */
  created?: string;
  /** Layer compression; default `'gzip'`. */
  compression?: Compression;
  /** Extra annotations on the manifest. */
  annotations?: Record<string, string>;
}

/** A content blob with its descriptor fields. */
export interface Blob {
  /** Media type of the blob. */
  mediaType: string;
  /** `sha256:<hex>` of `data`. */
  digest: string;
  /** Byte length of `data`. */
  size: number;
  /** The bytes. */
  data: Buffer;
}

/** A built image: every blob and every digest a test might assert on. */
export interface BuiltImage {
  /** Normalized name, such as `docker.io/library/busybox:latest`. */
  name: string;
  /** The OCI manifest blob. */
  manifest: Blob;
  /** The OCI config blob (its digest is also the image id a Docker archive gets). */
  config: Blob;
  /** The layers, bottom to top. */
  layers: Layer[];
  /** `rootfs.diff_ids` of the config. */
  diffIds: string[];
  /** containerd's snapshot chain ids; the last one names the image's top snapshot. */
  chainIds: string[];
  /** The platform written in the config and on the index entry. */
  platform: { architecture: string; os: string };
}

/** Builds the layers, config and manifest of an image, all deterministic. */
export function buildImage(spec: ImageSpec): BuiltImage {
  const created = spec.created ?? FIXED_CREATED;
  const platform = { architecture: spec.architecture ?? hostArchitecture(), os: spec.os ?? 'linux' };
  const layerSpecs = spec.layers.map((layer): LayerSpec => (isLayerSpec(layer) ? layer : { entries: layer }));
  const layers = layerSpecs.map((layer) => buildLayer(layer.entries, { compression: spec.compression ?? 'gzip' }));
  const diffIds = layers.map((layer) => layer.diffId);
  const config = jsonBlob(ociMediaTypes.config, {
    created,
    architecture: platform.architecture,
    os: platform.os,
    config: spec.config ?? {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layerSpecs.map((layer, i) => ({
      created,
      created_by: layer.createdBy ?? `testkit layer ${i}`,
      ...(layer.comment === undefined ? {} : { comment: layer.comment }),
    })),
  });
  const manifest = jsonBlob(ociMediaTypes.manifest, {
    schemaVersion: 2,
    mediaType: ociMediaTypes.manifest,
    config: descriptor(config),
    layers: layers.map((layer) => descriptor(layer)),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  });
  return {
    name: normalizeImageName(spec.name),
    manifest,
    config,
    layers,
    diffIds,
    chainIds: computeChainIds(diffIds),
    platform,
  };
}

/** The descriptor (`mediaType`, `digest`, `size`) of a blob or layer. */
export function descriptor(blob: { mediaType: string; digest: string; size: number }): {
  mediaType: string;
  digest: string;
  size: number;
} {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

/** Serializes `value` as compact JSON and wraps it as a {@link Blob}. */
export function jsonBlob(mediaType: string, value: unknown): Blob {
  const data = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: sha256Digest(data), size: data.length, data };
}

/** The host's CPU architecture in OCI/Go terms (`amd64`, `arm64`, ...). */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

function isLayerSpec(layer: LayerSpec | readonly TarEntry[]): layer is LayerSpec {
  return !Array.isArray(layer);
}

/** One image or a list of them, as a list (internal to the archive writers). */
export function list(images: BuiltImage | readonly BuiltImage[]): readonly BuiltImage[] {
  return Array.isArray(images) ? images : [images as BuiltImage];
}
