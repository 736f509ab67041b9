import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { NotImplementedError } from '@proj/errdefs';
import type { ContentStore } from './content.js';
import type { Descriptor } from './descriptor.js';
import { readTar } from './tar.js';

function layerStream(content: ContentStore, layer: Descriptor, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  const raw = Readable.from(content.read(layer.digest, signal ? { signal } : {}));
  if (layer.mediaType.endsWith('gzip')) return raw.pipe(createGunzip());
  if (layer.mediaType.endsWith('zstd')) throw new NotImplementedError(`layer ${layer.digest} is zstd-compressed: reading files from it is not supported`);
  return raw;
}

/**
 * Reads regular files of an image's root filesystem straight from its layer blobs (top layer
 * first, honouring whiteouts), without unpacking or mounting anything: one pass per layer for
 * all `paths`. Absent files are missing from the result. Used for `/etc/passwd` and
 * `/etc/group` lookups while building a spec.
 */
export async function readImageFiles(
  content: ContentStore,
  layers: readonly Descriptor[],
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const settled = new Set<string>();
  const wanted = paths.map((path) => {
    const target = path.replace(/^\/+/, '');
    const dir = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
    const base = target.slice(target.lastIndexOf('/') + 1);
    const parents = target.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    return { path, target, whiteout: dir ? `${dir}/.wh.${base}` : `.wh.${base}`, opaque: parents.map((p) => `${p}/.wh..wh..opq`) };
  });
  for (let i = layers.length - 1; i >= 0 && settled.size < wanted.length; i--) {
    const hidden = new Set<string>();
    for await (const { entry, body } of readTar(layerStream(content, layers[i]!, signal))) {
      const name = entry.name.replace(/\/$/, '');
      for (const w of wanted) {
        if (settled.has(w.path)) continue;
        if (name === w.target && (entry.type === '0' || entry.type === '7')) {
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk);
          found.set(w.path, Buffer.concat(chunks));
        } else if (name === w.whiteout || w.opaque.includes(name)) {
          hidden.add(w.path);
        }
      }
    }
    for (const w of wanted) if (found.has(w.path) || hidden.has(w.path)) settled.add(w.path);
  }
  return found;
}
