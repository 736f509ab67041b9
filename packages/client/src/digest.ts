import { createHash } from 'node:crypto';

/** `sha256:<hex>` of `data`. */
export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * containerd's chain ids for a list of diff ids: the first is the first diff id, each next is
 * `sha256(previous + " " + diffId)`. The last one names an image's top snapshot.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const previous = out.at(-1);
    out.push(previous === undefined ? diffId : sha256(`${previous} ${diffId}`));
  }
  return out;
}

/** The chain id of a whole list of diff ids (the image's top snapshot). */
export function chainId(diffIds: readonly string[]): string {
  const ids = chainIds(diffIds);
  const last = ids.at(-1);
  if (last === undefined) throw new RangeError('chainId of an empty diff id list');
  return last;
}
