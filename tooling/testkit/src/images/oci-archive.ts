import { writeFile } from 'node:fs/promises';
import { digestHex } from './digest.js';
import { type Blob, type BuiltImage, descriptor, jsonBlob, list, ociMediaTypes } from './image.js';
import { imageTag } from './name.js';
import { type TarEntry, writeTar } from './tar.js';

/** The index.json annotation containerd's import reads first for the image name. */
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';
/** The OCI annotation that carries the reference (here: the tag) of a manifest in index.json. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/**
 * The `index.json` of an OCI layout holding `images`: one manifest entry each, with its platform
 * and the annotations `io.containerd.image.name` (full name) and
 * `org.opencontainers.image.ref.name` (tag), as `ctr images export` writes them.
 */
export function ociIndex(images: BuiltImage | readonly BuiltImage[]): Blob {
  return jsonBlob(ociMediaTypes.index, {
    schemaVersion: 2,
    mediaType: ociMediaTypes.index,
    manifests: list(images).map((image) => ({
      ...descriptor(image.manifest),
      annotations: { [IMAGE_NAME_ANNOTATION]: image.name, [REF_NAME_ANNOTATION]: imageTag(image.name) },
      platform: image.platform,
    })),
  });
}

/**
 * An OCI image layout as one tar (what `ctr images import` and `ctr images export` use):
 * `oci-layout`, `index.json`, and `blobs/sha256/<hex>` for every manifest, config and layer,
 * each blob once even when images share it.
 */
export function ociArchive(images: BuiltImage | readonly BuiltImage[]): Buffer {
  const entries: TarEntry[] = [
    { path: 'oci-layout', type: 'file', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: 'file', content: ociIndex(images).data },
    { path: 'blobs', type: 'directory' },
    { path: 'blobs/sha256', type: 'directory' },
  ];
  const seen = new Set<string>();
  for (const image of list(images)) {
    for (const blob of [image.manifest, image.config, ...image.layers.map((layer) => ({ ...layer, data: layer.blob }))]) {
      if (seen.has(blob.digest)) continue;
      seen.add(blob.digest);
      entries.push({ path: `blobs/sha256/${digestHex(blob.digest)}`, type: 'file', content: blob.data });
    }
  }
  return writeTar(entries);
}

/** Writes {@link ociArchive} of `images` to `path`. */
export async function writeOciArchive(path: string, images: BuiltImage | readonly BuiltImage[]): Promise<void> {
  await writeFile(path, ociArchive(images));
}
