/**
 * containerd 1.6's wire API for TypeScript: the API v1 services, shared types, event messages,
 * the runtime v2 shim Task service and the ttrpc Events service, generated from .proto files
 * with containerd's package, message and field names and numbers; plus the helpers every
 * client and server of that API needs: namespace/lease metadata, `Any` with containerd's type
 * URLs, timestamps with Go's zero time, and gRPC clients/servers that speak errdefs errors.
 *
 * @packageDocumentation
 */
export * from './protos.js';
export { apiRegistry, allFiles } from './registry.js';
export {
  namespaceMetadataKey,
  leaseMetadataKey,
  ttrpcNamespaceMetadataKey,
  defaultNamespace,
  type CallMetadataOptions,
  callMetadata,
  namespaceFromMetadata,
  leaseFromMetadata,
  requireNamespace,
  type KeyValuePair,
  ttrpcNamespacePair,
  namespaceFromTtrpcMetadata,
} from './metadata.js';
export {
  runtimeSpecTypeUrl,
  processSpecTypeUrl,
  linuxResourcesTypeUrl,
  windowsResourcesTypeUrl,
  packAny,
  anyTypeName,
  anyIs,
  unpackAny,
  unpackAnyFromRegistry,
  packJsonAny,
  unpackJsonAny,
} from './any.js';
export {
  goZeroTimeSeconds,
  zeroTimestamp,
  isZeroTimestamp,
  toTimestamp,
  timestampNow,
  fromTimestamp,
  timestampToNanos,
  timestampFromNanos,
} from './timestamp.js';
export { errorFromGrpc, grpcStatusFromError } from './grpc-errors.js';
export { grpcTarget, defaultMaxMessageBytes } from './grpc-address.js';
export type { GrpcCallOptions, BidiCall, ClientMethod, GrpcClient } from './grpc-types.js';
export {
  type GrpcConnectionOptions,
  GrpcConnection,
  connectGrpc,
  createGrpcClient,
  closeGrpcClient,
} from './grpc-client.js';
export {
  type GrpcCallContext,
  type ServerMethod,
  type GrpcServiceImplementation,
  createGrpcServer,
  addGrpcService,
  listenGrpc,
  shutdownGrpc,
} from './grpc-server.js';
