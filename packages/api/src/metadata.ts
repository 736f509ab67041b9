import { Metadata } from '@grpc/grpc-js';
import { FailedPreconditionError } from '@proj/errdefs';

/** gRPC metadata key that carries the namespace of a call (`containerd-namespace`). */
export const namespaceMetadataKey = 'containerd-namespace';

/** gRPC metadata key that carries the lease a call works under (`containerd-lease`). */
export const leaseMetadataKey = 'containerd-lease';

/** ttrpc metadata key that carries the namespace (`containerd-namespace-ttrpc`), e.g. on shim event forwards. */
export const ttrpcNamespaceMetadataKey = 'containerd-namespace-ttrpc';

/** The namespace clients use when none is given (`default`). */
export const defaultNamespace = 'default';

/** What a call carries besides its message: namespace, lease and any extra metadata. */
export interface CallMetadataOptions {
  /** Sent as `containerd-namespace`. */
  namespace?: string;
  /** Sent as `containerd-lease`. */
  lease?: string;
  /** Extra metadata, copied first (namespace and lease then replace their keys). */
  metadata?: Metadata;
}

/** Builds the gRPC metadata of a call: `containerd-namespace` and `containerd-lease` when given. */
export function callMetadata(options: CallMetadataOptions = {}): Metadata {
  const metadata = options.metadata ? options.metadata.clone() : new Metadata();
  if (options.namespace) metadata.set(namespaceMetadataKey, options.namespace);
  if (options.lease) metadata.set(leaseMetadataKey, options.lease);
  return metadata;
}

/** The namespace a call carries (the first `containerd-namespace` value, as containerd takes it), if any. */
export function namespaceFromMetadata(metadata: Metadata): string | undefined {
  return firstString(metadata, namespaceMetadataKey);
}

/** The lease a call carries (`containerd-lease`), if any. */
export function leaseFromMetadata(metadata: Metadata): string | undefined {
  return firstString(metadata, leaseMetadataKey);
}

/**
 * The namespace of a namespaced call, or the error containerd answers without one:
 * FailedPrecondition `namespace is required`.
 */
export function requireNamespace(metadata: Metadata): string {
  const namespace = namespaceFromMetadata(metadata);
  if (!namespace) throw new FailedPreconditionError('namespace is required');
  return namespace;
}

/** One ttrpc metadata entry (ttrpc's `KeyValue`). */
export interface KeyValuePair {
  key: string;
  value: string;
}

/** The ttrpc metadata entry that names a namespace: `{key: "containerd-namespace-ttrpc", value}`. */
export function ttrpcNamespacePair(namespace: string): KeyValuePair {
  return { key: ttrpcNamespaceMetadataKey, value: namespace };
}

/** The namespace in ttrpc metadata (the first `containerd-namespace-ttrpc` entry), if any. */
export function namespaceFromTtrpcMetadata(pairs: Iterable<KeyValuePair>): string | undefined {
  for (const pair of pairs) {
    if (pair.key === ttrpcNamespaceMetadataKey && pair.value !== '') return pair.value;
  }
  return undefined;
}

function firstString(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : value.toString('utf8');
  return text === '' ? undefined : text;
}
