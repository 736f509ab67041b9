import type { TarEntry } from './tar.js';

/** The prefix that marks a deleted path in an OCI or Docker layer: `.wh.<name>`. */
export const WHITEOUT_PREFIX = '.wh.';

/** The name that marks a directory as opaque (lower layers hidden): `.wh..wh..opq`. */
export const OPAQUE_WHITEOUT = '.wh..wh..opq';

/**
 * The entry that deletes `path` (a file or a whole directory of a lower layer):
 * an empty file `<dir>/.wh.<name>`.
 */
export function whiteout(path: string): TarEntry {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const slash = trimmed.lastIndexOf('/');
  const dir = slash === -1 ? '' : `${trimmed.slice(0, slash)}/`;
  return { path: `${dir}${WHITEOUT_PREFIX}${trimmed.slice(slash + 1)}`, type: 'file', mode: 0o644 };
}

/**
 * The entry that makes directory `dir` opaque: what lower layers had in it is hidden, and only
 * what this layer (and upper ones) put there shows. The directory entry itself must also be in
 * the layer, before this one.
 */
export function opaqueWhiteout(dir: string): TarEntry {
  const trimmed = dir.replace(/^\/+|\/+$/g, '');
  return { path: `${trimmed}/${OPAQUE_WHITEOUT}`, type: 'file', mode: 0o644 };
}
