import type { GrpcCallOptions } from '@proj/api';
import type { CallOptions, FifoMaker } from './options.js';
import type { Services } from './services.js';

/** What the parts of the client share: the services and the call defaults (namespace, lease). */
export interface ClientContext {
  /** The typed gRPC clients. */
  readonly services: Services;
  /** The namespace every call carries. */
  readonly namespace: string;
  /** The lease every call carries, if any. */
  readonly lease: string | undefined;
  /** The gRPC call options for `options` (namespace, lease, signal). */
  call(options?: CallOptions): GrpcCallOptions;
  /** How FIFOs are made, if the caller supplied a way. */
  readonly mkfifo: FifoMaker | undefined;
  /** Where FIFO directories go. */
  readonly fifoDir: string;
}
