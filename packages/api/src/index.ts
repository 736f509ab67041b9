/**
 * containerd 1.6's wire API for TypeScript: the API v1 services, shared types, event messages,
 * the runtime v2 shim Task service and the ttrpc Events service, generated from .proto files
 * with containerd's package, message and field names and numbers.
 *
 * @packageDocumentation
 */
export * from './protos.js';
export { apiRegistry, allFiles } from './registry.js';
