/**
 * Offline image building for tests: a small tar writer, layers with whiteouts, OCI layout and
 * Docker archives that `ctr images import` accepts, and ready-made busybox images.
 * @packageDocumentation
 */
export { writeTar, encodeEntry, FIXED_MTIME, type TarEntry, type TarEntryType } from './tar.js';
export { sha256Digest, chainIds, digestHex } from './digest.js';
export { buildLayer, ociLayerMediaTypes, type Layer, type LayerOptions, type Compression } from './layer.js';
export { whiteout, opaqueWhiteout, WHITEOUT_PREFIX, OPAQUE_WHITEOUT } from './whiteout.js';
export { normalizeImageName, imageTag } from './name.js';
export {
  buildImage,
  descriptor,
  jsonBlob,
  hostArchitecture,
  ociMediaTypes,
  FIXED_CREATED,
  type Blob,
  type BuiltImage,
  type ImageRuntimeConfig,
  type ImageSpec,
  type LayerSpec,
} from './image.js';
export { ociArchive, ociIndex, writeOciArchive, IMAGE_NAME_ANNOTATION, REF_NAME_ANNOTATION } from './oci-archive.js';
export { dockerArchive, dockerManifest, writeDockerArchive, familiarName, type DockerManifestEntry } from './docker-archive.js';
export {
  busyboxImage,
  busyboxLayerEntries,
  defaultBusyboxConfig,
  readBusybox,
  BUSYBOX_APPLETS,
  BUSYBOX_PASSWD,
  BUSYBOX_GROUP,
  DEFAULT_BUSYBOX_PATH,
  DEFAULT_PATH,
  type BusyboxImageOptions,
  type BusyboxLayerOptions,
} from './busybox.js';
export { deletionsImage, deletionLayers, DELETIONS_EXPECTED } from './deletions.js';
export { everyKindImage, everyKindEntries, LONG_NAME, LONG_TARGET, BINARY_XATTR } from './every-kind.js';
