import { create } from '@bufbuild/protobuf';
import { types } from '@proj/api';

/** An OCI content descriptor: what a blob is, its digest and size. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
  urls?: string[];
}

/** Converts a wire descriptor to a {@link Descriptor}. */
export function fromWireDescriptor(d: types.Descriptor | undefined): Descriptor {
  const out: Descriptor = { mediaType: d?.mediaType ?? '', digest: d?.digest ?? '', size: Number(d?.size ?? 0n) };
  if (d && Object.keys(d.annotations).length > 0) out.annotations = { ...d.annotations };
  return out;
}

/** Converts a {@link Descriptor} to its wire form (platform and urls do not travel). */
export function toWireDescriptor(d: Descriptor): types.Descriptor {
  return create(types.DescriptorSchema, {
    mediaType: d.mediaType,
    digest: d.digest,
    size: BigInt(d.size),
    annotations: d.annotations ?? {},
  });
}

/** The OCI and Docker media types the client understands. */
export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  checkpointConfig: 'application/vnd.containerd.container.checkpoint.config.v1+proto',
} as const;

/** Whether a media type names an index (OCI index or Docker manifest list). */
export function isIndexType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}

/** Whether a media type names an image manifest (OCI or Docker schema 2). */
export function isManifestType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.dockerManifest;
}
