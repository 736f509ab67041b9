/**
 * ttrpc, containerd's lightweight RPC for shims, over unix sockets: a {@link TtrpcClient} and a
 * {@link TtrpcServer} speaking ttrpc 1.1's framing (10-byte header, odd client stream ids,
 * `Request`/`Response` envelopes with metadata and `timeout_nano`, the 4 MiB limit).
 * Payloads are opaque bytes; {@link defineMethod} adds types with any protobuf library's
 * encode/decode functions. Errors are @proj/errdefs classes mapped from and to gRPC status codes.
 *
 * @packageDocumentation
 */
export { TtrpcClient, type CallOptions, type ClientOptions, type ConnectOptions } from './client.js';
export { TtrpcServer, type CallContext, type RawHandler, type Handler, type ServerOptions } from './server.js';
export { defineMethod, fullMethodName, type MethodDescriptor, type Serializer } from './method.js';
export type { Metadata, MetadataInit } from './metadata.js';
export { frameHeaderLength, maxMessageLength, MessageType, FrameFlag } from './constants.js';
export { encodeFrame, decodeFrameHeader, FrameReader, type Frame, type FrameHeader, type FrameEvent } from './frame.js';
export {
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  type RequestMessage,
  type ResponseMessage,
  type StatusMessage,
  type KeyValue,
} from './messages.js';
