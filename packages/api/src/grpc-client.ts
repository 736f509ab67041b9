import { once } from 'node:events';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { type CallOptions, type ChannelOptions, Client, credentials, type Metadata } from '@grpc/grpc-js';
import { CanceledError, UnavailableError } from '@proj/errdefs';
import { defaultMaxMessageBytes, grpcTarget } from './grpc-address.js';
import { deserializer, serializer } from './grpc-codec.js';
import { errorFromGrpc } from './grpc-errors.js';
import type { GrpcCallOptions, GrpcClient } from './grpc-types.js';
import { callMetadata } from './metadata.js';

/** Options of a {@link GrpcConnection}. */
export interface GrpcConnectionOptions {
  /** Namespace sent with every call unless the call names another. */
  namespace?: string;
  /** Lease sent with every call unless the call names another. */
  lease?: string;
  /** Send and receive limit in bytes (default 16 MiB, as containerd's client). */
  maxMessageBytes?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
}

/**
 * One HTTP/2 connection to a containerd-compatible daemon, shared by the typed clients of
 * every service made from it with {@link GrpcConnection.client}.
 */
export class GrpcConnection {
  /** The grpc-js target, e.g. `unix:///run/containerd/containerd.sock`. */
  readonly target: string;
  readonly #client: Client;
  readonly #defaults: { namespace?: string; lease?: string };

  constructor(address: string, options: GrpcConnectionOptions = {}) {
    this.target = grpcTarget(address);
    const max = options.maxMessageBytes ?? defaultMaxMessageBytes;
    this.#client = new Client(this.target, credentials.createInsecure(), {
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      ...options.channelOptions,
    });
    this.#defaults = {
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.lease === undefined ? {} : { lease: options.lease }),
    };
  }

  /** A typed client for `service` over this connection. */
  client<S extends GenServiceMethods>(service: GenService<S>): GrpcClient<S> {
    const methods: Record<string, unknown> = {};
    for (const method of (service as DescService).methods) {
      methods[method.localName] = this.#method(service as DescService, method);
    }
    return methods as GrpcClient<S>;
  }

  /** Resolves once the connection is up; rejects with Unavailable after `timeoutMs`. */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#client.waitForReady(Date.now() + timeoutMs, (err) => {
        if (err) reject(new UnavailableError(`${this.target} did not answer within ${timeoutMs} ms`, { cause: err }));
        else resolve();
      });
    });
  }

  /** Closes the connection; calls in flight fail. */
  close(): void {
    this.#client.close();
  }

  #method(service: DescService, method: DescMethod): unknown {
    const path = `/${service.typeName}/${method.name}`;
    const ser = serializer(method.input);
    const de = deserializer(method.output);
    const client = this.#client;
    const prepare = (options: GrpcCallOptions): { metadata: Metadata; callOptions: CallOptions } => ({
      metadata: callMetadata({
        ...this.#defaults,
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(options.lease === undefined ? {} : { lease: options.lease }),
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      }),
      callOptions: options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs },
    });

    switch (method.methodKind) {
      case 'unary':
        return (request: unknown = {}, options: GrpcCallOptions = {}) =>
          new Promise((resolve, reject) => {
            if (options.signal?.aborted) return reject(canceled(path, options.signal));
            const { metadata, callOptions } = prepare(options);
            const call = client.makeUnaryRequest(path, ser, de, request, metadata, callOptions, (err, value) => {
              options.signal?.removeEventListener('abort', onAbort);
              if (err) reject(errorFromGrpc(err));
              else resolve(value);
            });
            const onAbort = () => call.cancel();
            options.signal?.addEventListener('abort', onAbort, { once: true });
          });
      case 'server_streaming':
        return (request: unknown = {}, options: GrpcCallOptions = {}) =>
          (async function* () {
            if (options.signal?.aborted) throw canceled(path, options.signal);
            const { metadata, callOptions } = prepare(options);
            const call = client.makeServerStreamRequest(path, ser, de, request, metadata, callOptions);
            const onAbort = () => call.cancel();
            options.signal?.addEventListener('abort', onAbort, { once: true });
            try {
              for await (const message of call) yield message;
            } catch (err) {
              throw errorFromGrpc(err);
            } finally {
              options.signal?.removeEventListener('abort', onAbort);
              call.cancel();
            }
          })();
      case 'client_streaming':
        return async (requests: Iterable<unknown> | AsyncIterable<unknown>, options: GrpcCallOptions = {}) => {
          if (options.signal?.aborted) throw canceled(path, options.signal);
          const { metadata, callOptions } = prepare(options);
          let call: ReturnType<Client['makeClientStreamRequest']> | undefined;
          const result = new Promise((resolve, reject) => {
            call = client.makeClientStreamRequest(path, ser, de, metadata, callOptions, (err, value) => {
              if (err) reject(errorFromGrpc(err));
              else resolve(value);
            });
          });
          const stream = call as NonNullable<typeof call>;
          const onAbort = () => stream.cancel();
          options.signal?.addEventListener('abort', onAbort, { once: true });
          try {
            for await (const request of requests) {
              // A call that fails while we wait for 'drain' would never drain: wait for either.
              if (!stream.write(request)) await Promise.race([once(stream, 'drain'), result]);
            }
            stream.end();
            return await result;
          } catch (err) {
            // The requests failed (or the call did): end the call, and keep its own failure,
            // which now has no reader, from becoming an unhandled rejection.
            result.catch(() => undefined);
            stream.cancel();
            throw err;
          } finally {
            options.signal?.removeEventListener('abort', onAbort);
          }
        };
      case 'bidi_streaming':
        return (options: GrpcCallOptions = {}) => {
          const { metadata, callOptions } = prepare(options);
          const call = client.makeBidiStreamRequest(path, ser, de, metadata, callOptions);
          // grpc-js emits a failed call's status as an 'error' event, which would crash the
          // process while nobody is in recv() (the iterator listens only once it runs); keep it
          // here and hand it to the next recv() or send() instead.
          let failure: unknown;
          call.on('error', (err: unknown) => {
            failure ??= err;
          });
          const onAbort = () => call.cancel();
          if (options.signal?.aborted) call.cancel();
          else options.signal?.addEventListener('abort', onAbort, { once: true });
          const iterator = call.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]();
          const recv = async () => {
            try {
              const next = await iterator.next();
              if (next.done) {
                options.signal?.removeEventListener('abort', onAbort);
                // grpc-js ends the readable side before it reports the failure.
                if (failure !== undefined) throw failure;
                return undefined;
              }
              return next.value as unknown;
            } catch (err) {
              options.signal?.removeEventListener('abort', onAbort);
              throw errorFromGrpc(err);
            }
          };
          return {
            send: (message: unknown) =>
              new Promise<void>((resolve, reject) => {
                if (failure !== undefined) return reject(errorFromGrpc(failure));
                call.write(message, (err: unknown) => (err ? reject(errorFromGrpc(err)) : resolve()));
              }),
            end: () => call.end(),
            recv,
            cancel: () => call.cancel(),
            async *[Symbol.asyncIterator]() {
              for (;;) {
                const message = await recv();
                if (message === undefined) return;
                yield message;
              }
            },
          };
        };
    }
  }
}

/** Opens a {@link GrpcConnection} to `address` (a unix socket path or `unix://` URL). */
export function connectGrpc(address: string, options?: GrpcConnectionOptions): GrpcConnection {
  return new GrpcConnection(address, options);
}

/**
 * A typed client for one service on its own connection. Close it with `closeGrpcClient`; use
 * {@link connectGrpc} and `connection.client(...)` to share one connection between services.
 */
export function createGrpcClient<S extends GenServiceMethods>(
  service: GenService<S>,
  address: string,
  options?: GrpcConnectionOptions,
): GrpcClient<S> {
  const connection = new GrpcConnection(address, options);
  const client = connection.client(service);
  connections.set(client, connection);
  return client;
}

const connections = new WeakMap<object, GrpcConnection>();

/** Closes the connection of a client made by {@link createGrpcClient}. */
export function closeGrpcClient(client: object): void {
  connections.get(client)?.close();
}

function canceled(path: string, signal: AbortSignal): CanceledError {
  return new CanceledError(`${path}: call canceled before it started`, { cause: signal.reason });
}
