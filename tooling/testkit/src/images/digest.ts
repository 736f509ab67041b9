import { createHash } from 'node:crypto';

/** The OCI digest of `data`: `sha256:<hex>`. */
export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * The chain ids of a layer stack, as containerd names committed snapshots:
 * `chain[0] = diffIds[0]`, `chain[i] = sha256(chain[i-1] + " " + diffIds[i])`.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const chain: string[] = [];
  for (const diffId of diffIds) {
    const previous = chain.at(-1);
    chain.push(previous === undefined ? diffId : sha256Digest(Buffer.from(`${previous} ${diffId}`)));
  }
  return chain;
}

/** The hex part of a `sha256:<hex>` digest. */
export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}
