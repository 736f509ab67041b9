import { gzipSync } from 'node:zlib';
import { sha256Digest } from './digest.js';
import { type TarEntry, writeTar } from './tar.js';

/** How a layer blob is stored: gzip-compressed (the usual) or a plain tar. */
export type Compression = 'gzip' | 'none';

/** OCI media types of layer blobs, by compression. */
export const ociLayerMediaTypes: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

/** One built layer: its tar, the blob as stored, and the digests tests assert on. */
export interface Layer {
  /** The uncompressed tar stream. */
  tar: Buffer;
  /** The blob as stored in an OCI layout (gzip of `tar`, or `tar` itself). */
  blob: Buffer;
  /** sha256 of the uncompressed tar: what `rootfs.diff_ids` lists and `Diff/Apply` returns. */
  diffId: string;
  /** sha256 of `blob`: the layer descriptor's digest in the manifest. */
  digest: string;
  /** Byte size of `blob`. */
  size: number;
  /** OCI media type of `blob`. */
  mediaType: string;
  /** How `blob` is compressed. */
  compression: Compression;
}

/** Options of {@link buildLayer}. */
export interface LayerOptions {
  /** Default `'gzip'`. */
  compression?: Compression;
}

/**
 * Builds a layer from tar entries, in the order given (put a directory before what it holds,
 * and whiteouts after the directory entry they sit in). Output is deterministic: gzip writes
 * no timestamp or name, so the same entries give the same digests on the same Node version.
 */
export function buildLayer(entries: readonly TarEntry[], options: LayerOptions = {}): Layer {
  const compression = options.compression ?? 'gzip';
  const tar = writeTar(entries);
  const diffId = sha256Digest(tar);
  const blob = compression === 'gzip' ? gzipCached(diffId, tar) : tar;
  return {
    tar,
    blob,
    diffId,
    digest: sha256Digest(blob),
    size: blob.length,
    mediaType: ociLayerMediaTypes[compression],
    compression,
  };
}

// Gzip at level 9 of the 2 MB busybox layer takes a while; tests build it many times.
const gzipped = new Map<string, Buffer>();
const GZIP_CACHE_ENTRIES = 16;

function gzipCached(diffId: string, tar: Buffer): Buffer {
  let blob = gzipped.get(diffId);
  if (!blob) {
    blob = gzipSync(tar, { level: 9 });
    if (gzipped.size >= GZIP_CACHE_ENTRIES) gzipped.delete(gzipped.keys().next().value!);
    gzipped.set(diffId, blob);
  }
  return blob;
}
