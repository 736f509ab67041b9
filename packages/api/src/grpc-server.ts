import type { DescMessage, DescMethod, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { NotImplementedError } from '@proj/errdefs';
import { deserializer, serializer } from './grpc-codec.js';
import { defaultMaxMessageBytes, grpcTarget } from './grpc-address.js';
import { grpcStatusFromError } from './grpc-errors.js';
import { leaseFromMetadata, namespaceFromMetadata } from './metadata.js';

/** What a handler knows about its call besides the request. */
export interface GrpcCallContext {
  /** The full method path, e.g. `/containerd.services.version.v1.Version/Version`. */
  method: string;
  /** The request metadata. */
  metadata: Metadata;
  /** The `containerd-namespace` the call carries, if any. */
  namespace: string | undefined;
  /** The `containerd-lease` the call carries, if any. */
  lease: string | undefined;
  /** Aborted when the client cancels the call or its deadline passes. */
  signal: AbortSignal;
}

type Out<O extends DescMessage> = MessageInitShape<O>;

/** The server-side handler for one method, by its kind. Throw errdefs errors to fail the call. */
export type ServerMethod<M> = M extends {
  methodKind: infer K;
  input: infer I extends DescMessage;
  output: infer O extends DescMessage;
}
  ? K extends 'unary'
    ? (request: MessageShape<I>, context: GrpcCallContext) => Out<O> | Promise<Out<O>>
    : K extends 'server_streaming'
      ? (request: MessageShape<I>, context: GrpcCallContext) => Iterable<Out<O>> | AsyncIterable<Out<O>>
      : K extends 'client_streaming'
        ? (requests: AsyncIterable<MessageShape<I>>, context: GrpcCallContext) => Out<O> | Promise<Out<O>>
        : K extends 'bidi_streaming'
          ? (requests: AsyncIterable<MessageShape<I>>, context: GrpcCallContext) => AsyncIterable<Out<O>>
          : never
  : never;

/** Handlers for a service's methods, by local name; a missing one answers Unimplemented. */
export type GrpcServiceImplementation<S> = { [K in keyof S]?: ServerMethod<S[K]> };

/** A grpc-js server with containerd's 16 MiB message limits (override with `options`). */
export function createGrpcServer(options: ServerOptions = {}): Server {
  return new Server({
    'grpc.max_receive_message_length': defaultMaxMessageBytes,
    'grpc.max_send_message_length': defaultMaxMessageBytes,
    ...options,
  });
}

/**
 * Registers `implementation` for `service` on `server`. Requests are decoded with the
 * generated schema, responses encoded from plain objects or messages, and anything a handler
 * throws becomes the gRPC status containerd would send (errdefs class → code, message with the
 * class suffix, other errors → Unknown).
 */
export function addGrpcService<S extends GenServiceMethods>(
  server: Server,
  service: GenService<S>,
  implementation: GrpcServiceImplementation<S>,
): void {
  const desc = service as DescService;
  const definition: Record<string, ServiceDefinition[string]> = {};
  const handlers: UntypedServiceImplementation = {};
  const impl = implementation as Record<string, ((...args: never[]) => unknown) | undefined>;
  for (const method of desc.methods) {
    const path = `/${desc.typeName}/${method.name}`;
    definition[method.name] = {
      path,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: serializer(method.input),
      requestDeserialize: deserializer(method.input),
      responseSerialize: serializer(method.output),
      responseDeserialize: deserializer(method.output),
      originalName: method.localName,
    };
    handlers[method.name] = handlerFor(path, method, impl[method.localName]);
  }
  server.addService(definition, handlers);
}

/** Binds `server` to `address` (a unix socket path or grpc-js target) and resolves once it listens. */
export function listenGrpc(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.bindAsync(grpcTarget(address), ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  });
}

/** Stops `server`: waits up to `graceMs` for calls in flight, then cuts them off. */
export function shutdownGrpc(server: Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The requests of a streaming call. Node's default stream iterator destroys the stream when the
 * loop ends, which would kill the call before the handler answers; this one leaves it open.
 */
function requestsOf(call: StreamCall): AsyncIterable<unknown> {
  return call.iterator({ destroyOnReturn: false });
}

interface StreamCall extends AnyCall {
  iterator(options: { destroyOnReturn: boolean }): AsyncIterable<unknown>;
  request?: unknown;
  write(message: unknown): boolean;
  end(): void;
  once(event: 'drain', listener: () => void): unknown;
  emit(event: 'error', value: unknown): boolean;
}

interface AnyCall {
  metadata: Metadata;
  on(event: 'cancelled', listener: () => void): unknown;
}

function contextOf(path: string, call: AnyCall): GrpcCallContext {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort(new Error(`${path}: cancelled by the client`)));
  return {
    method: path,
    metadata: call.metadata,
    namespace: namespaceFromMetadata(call.metadata),
    lease: leaseFromMetadata(call.metadata),
    signal: controller.signal,
  };
}

type Handler = UntypedServiceImplementation[string];

function handlerFor(path: string, method: DescMethod, fn: ((...args: never[]) => unknown) | undefined): Handler {
  const run = (fn ?? unimplemented(path)) as (input: unknown, context: GrpcCallContext) => unknown;
  switch (method.methodKind) {
    case 'unary':
    case 'client_streaming':
      return ((call: AnyCall & { request?: unknown }, callback: sendUnaryData<unknown>) => {
        const context = contextOf(path, call);
        const input = method.methodKind === 'unary' ? call.request : requestsOf(call as unknown as StreamCall);
        Promise.resolve()
          .then(() => run(input, context))
          .then(
            (value) => callback(null, value ?? {}),
            (err: unknown) => callback(grpcStatusFromError(err)),
          );
      }) as Handler;
    case 'server_streaming':
    case 'bidi_streaming':
      return ((call: StreamCall) => {
        const context = contextOf(path, call);
        const input = method.methodKind === 'server_streaming' ? call.request : requestsOf(call);
        (async () => {
          const output = (await run(input, context)) as Iterable<unknown> | AsyncIterable<unknown>;
          for await (const message of output) {
            if (context.signal.aborted) return;
            if (!call.write(message)) await new Promise<void>((resolve) => call.once('drain', () => resolve()));
          }
          call.end();
        })().catch((err: unknown) => {
          if (!context.signal.aborted) call.emit('error', grpcStatusFromError(err));
        });
      }) as Handler;
  }
}

function unimplemented(path: string) {
  return () => {
    throw new NotImplementedError(`${path} is not implemented by this server`);
  };
}
