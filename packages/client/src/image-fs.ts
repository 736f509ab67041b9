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
 * Reads one regular file of an image's root filesystem straight from its layer blobs (top layer
 * first, honouring whiteouts), without unpacking or mounting anything. `undefined` when absent.
 * Used for `/etc/passwd` and `/etc/group` lookups while building a spec.
 */
export async function readImageFile(content: ContentStore, layers: readonly Descriptor[], path: string, signal?: AbortSignal): Promise<Buffer | undefined> {
  const target = path.replace(/^\/+/, '');
  const dir = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
  const base = target.slice(target.lastIndexOf('/') + 1);
  const parents = target.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  for (let i = layers.length - 1; i >= 0; i--) {
    let found: Buffer | undefined;
    let hidden = false;
    for await (const { entry, body } of readTar(layerStream(content, layers[i]!, signal))) {
      const name = entry.name.replace(/\/$/, '');
      if (name === target && (entry.type === '0' || entry.type === '7')) {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(chunk);
        found = Buffer.concat(chunks);
      } else if (name === (dir ? `${dir}/.wh.${base}` : `.wh.${base}`)) {
        hidden = true;
      } else if (parents.some((p) => name === `${p}/.wh..wh..opq`)) {
        hidden = true;
      }
    }
    if (found) return found;
    if (hidden) return undefined;
  }
  return undefined;
}
