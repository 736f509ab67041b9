import type { Metadata } from '@grpc/grpc-js';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';

/** Per-call options of a {@link GrpcClient} method. */
export interface GrpcCallOptions {
  /** Namespace for this call (`containerd-namespace`); defaults to the connection's. */
  namespace?: string;
  /** Lease for this call (`containerd-lease`); defaults to the connection's. */
  lease?: string;
  /** Extra metadata to send. */
  metadata?: Metadata;
  /** Cancels the call; it then fails with a Canceled errdefs error. */
  signal?: AbortSignal;
  /** Deadline in milliseconds from now; the call then fails with DeadlineExceeded. */
  timeoutMs?: number;
}

/** A bidirectional streaming call (e.g. Content `Write`): send requests, receive responses. */
export interface BidiCall<I extends DescMessage, O extends DescMessage> extends AsyncIterable<MessageShape<O>> {
  /** Writes one request; resolves once it was handed to the transport. */
  send(message: MessageInitShape<I>): Promise<void>;
  /** Ends the request side (half-close). */
  end(): void;
  /** The next response, or `undefined` when the server ended the stream. Errors are errdefs errors. */
  recv(): Promise<MessageShape<O> | undefined>;
  /** Cancels the call. */
  cancel(): void;
}

/** The client-side function for one method, by its kind. */
export type ClientMethod<M> = M extends {
  methodKind: infer K;
  input: infer I extends DescMessage;
  output: infer O extends DescMessage;
}
  ? K extends 'unary'
    ? (request?: MessageInitShape<I>, options?: GrpcCallOptions) => Promise<MessageShape<O>>
    : K extends 'server_streaming'
      ? (request?: MessageInitShape<I>, options?: GrpcCallOptions) => AsyncIterable<MessageShape<O>>
      : K extends 'client_streaming'
        ? (
            requests: Iterable<MessageInitShape<I>> | AsyncIterable<MessageInitShape<I>>,
            options?: GrpcCallOptions,
          ) => Promise<MessageShape<O>>
        : K extends 'bidi_streaming'
          ? (options?: GrpcCallOptions) => BidiCall<I, O>
          : never
  : never;

/**
 * A typed gRPC client for a generated service: one function per method, named by the method's
 * local name (`get`, `list`, `listStream`, `write`...). Failures are errdefs errors.
 */
export type GrpcClient<S> = { readonly [K in keyof S]: ClientMethod<S[K]> };
