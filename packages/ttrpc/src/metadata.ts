import type { KeyValue } from './messages.js';

/**
 * Request metadata as the caller writes it: lower-cased on the wire, one `KeyValue` per value
 * (`{ 'containerd-namespace-ttrpc': 'default' }`).
 */
export type MetadataInit = Readonly<Record<string, string | readonly string[]>>;

/** Request metadata as a server handler sees it: lower-case keys, every value in wire order. */
export type Metadata = Readonly<Record<string, readonly string[]>>;

/** Turns {@link MetadataInit} into wire entries with lower-case keys. */
export function metadataToEntries(init: MetadataInit | undefined): KeyValue[] {
  if (!init) return [];
  const entries: KeyValue[] = [];
  for (const [key, value] of Object.entries(init)) {
    const lower = key.toLowerCase();
    if (typeof value === 'string') entries.push({ key: lower, value });
    else for (const item of value) entries.push({ key: lower, value: item });
  }
  return entries;
}

/** Groups wire entries into {@link Metadata}, lower-casing keys as ttrpc's `MD` does. */
export function entriesToMetadata(entries: readonly KeyValue[]): Metadata {
  const metadata: Record<string, string[]> = Object.create(null);
  for (const { key, value } of entries) {
    const lower = key.toLowerCase();
    (metadata[lower] ??= []).push(value);
  }
  return metadata;
}
