import { lstat, unlink } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { GrpcCode, InvalidArgumentError, NotImplementedError, ResourceExhaustedError, UnavailableError } from '@proj/errdefs';
import { MessageType, maxMessageLength } from './constants.js';
import { type Frame, FrameReader, FrameWriter, encodeFrame } from './frame.js';
import { type RequestMessage, type StatusMessage, decodeRequest, encodeResponse } from './messages.js';
import { type Metadata, entriesToMetadata } from './metadata.js';
import { type MethodDescriptor, fullMethodName } from './method.js';
import { statusFromError } from './status.js';


/** What a handler learns about the call it serves. */
export interface CallContext {
  /** Service name of the request. */
  readonly service: string;
  /** Method name of the request. */
  readonly method: string;
  /** Request metadata, keys lower-case. */
  readonly metadata: Metadata;
  /** Aborts when the request's `timeout_nano` elapses (reason `TimeoutError`) or the connection closes. */
  readonly signal: AbortSignal;
  /** The deadline as milliseconds since the epoch, when the request carries one. */
  readonly deadline: number | undefined;
  /** The stream id of the request on its connection. */
  readonly streamId: number;
}

/**
 * Serves one method on raw bytes. Throw an errdefs error (NotFoundError, ...) to answer with its
 * gRPC status; any other error is sent as Unknown.
 */
export type RawHandler = (payload: Uint8Array, context: CallContext) => Uint8Array | Promise<Uint8Array>;

/** Serves one typed method; see {@link TtrpcServer.handle}. */
export type Handler<Request, Response> = (request: Request, context: CallContext) => Response | Promise<Response>;

/** Options of a server. */
export interface ServerOptions {
  /** Largest frame payload accepted or sent; defaults to ttrpc's 4 MiB. */
  maxMessageLength?: number;
  /**
   * Told about problems that concern no call: a connection that failed or broke mid-frame, a
   * request the server could not answer. The server keeps running. Default: ignore.
   */
  onError?: (error: Error) => void;
}

/**
 * A ttrpc server: register methods, then {@link listen} on a unix socket. Each connection
 * serves its requests concurrently; bad input (oversized, undecodable or even-numbered
 * requests, unknown methods) is answered with an error status on that stream, never a crash.
 *
 * @example
 * ```ts
 * const server = new TtrpcServer();
 * server.register('containerd.services.events.ttrpc.v1.Events', 'Forward', async (payload, { metadata }) => {
 *   console.log(metadata['containerd-namespace-ttrpc'], payload.length);
 *   return new Uint8Array(); // google.protobuf.Empty
 * });
 * await server.listen('/run/proj/events.sock');
 * ```
 */
export class TtrpcServer {
  private readonly services = new Map<string, Map<string, RawHandler>>();
  private readonly connections = new Set<ServerConnection>();
  private readonly listeners: Server[] = [];
  private readonly maxLength: number;
  private readonly onError: (error: Error) => void;
  private closing = false;

  constructor(options: ServerOptions = {}) {
    this.maxLength = options.maxMessageLength ?? maxMessageLength;
    this.onError = options.onError ?? (() => {});
  }

  /** Registers a handler for `service`/`method` on raw bytes. A later registration replaces an earlier one. */
  register(service: string, method: string, handler: RawHandler): this {
    let methods = this.services.get(service);
    if (!methods) this.services.set(service, (methods = new Map()));
    methods.set(method, handler);
    return this;
  }

  /** Registers a typed handler: its request is decoded and its response encoded with the descriptor's serializers. */
  handle<Request, Response>(descriptor: MethodDescriptor<Request, Response>, handler: Handler<Request, Response>): this {
    const name = fullMethodName(descriptor.service, descriptor.method);
    return this.register(descriptor.service, descriptor.method, async (payload, context) => {
      let request: Request;
      try {
        request = descriptor.request.decode(payload);
      } catch (cause) {
        throw new InvalidArgumentError(`${name}: cannot decode the request (${(cause as Error).message})`, { cause });
      }
      return descriptor.response.encode(await handler(request, context));
    });
  }

  /**
   * Listens on a unix socket path. A stale socket file left at the path is removed first; any
   * other file there is an error.
   */
  async listen(path: string): Promise<void> {
    if (this.closing) throw new UnavailableError(`ttrpc server is closed; cannot listen on ${path}`);
    const existing = await lstat(path).catch(() => undefined);
    if (existing?.isSocket()) await unlink(path);
    const server = createServer();
    this.serve(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((cause: Error) => {
      throw new UnavailableError(`ttrpc server cannot listen on ${path}: ${cause.message}`, { cause });
    });
  }

  /** Serves the connections of an existing `net.Server` (for example one made from an inherited fd). */
  serve(server: Server): void {
    this.listeners.push(server);
    server.on('connection', (socket: Socket) => this.serveSocket(socket));
    server.on('error', (error) => this.onError(error));
  }

  /** Serves one already connected socket. */
  serveSocket(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connection = new ServerConnection(socket, this);
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting connections, waits for in-flight calls to be answered, then closes every
   * connection (ttrpc's Shutdown).
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    const stopped = this.stopListening();
    await Promise.all([...this.connections].map((connection) => connection.drain()));
    for (const connection of this.connections) connection.end();
    await stopped;
  }

  /** Stops accepting connections and closes every connection now; in-flight handlers see their signal abort. */
  async close(): Promise<void> {
    this.closing = true;
    const stopped = this.stopListening();
    for (const connection of this.connections) connection.destroy();
    await stopped;
  }

  private stopListening(): Promise<void> {
    return Promise.all(
      this.listeners.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    ).then(() => undefined);
  }

  /** @internal */
  lookup(service: string, method: string): RawHandler | StatusMessage {
    const methods = this.services.get(service);
    if (!methods) return statusFromError(new NotImplementedError(`service ${service}`));
    return methods.get(method) ?? statusFromError(new NotImplementedError(`method ${method}`));
  }

  /** @internal */
  get limit(): number {
    return this.maxLength;
  }

  /** @internal */
  report(error: Error): void {
    try {
      this.onError(error);
    } catch {
      // A failing error hook must not take the server down.
    }
  }
}

class ServerConnection {
  private readonly reader: FrameReader;
  private readonly writer: FrameWriter;
  private readonly calls = new Set<AbortController>();
  private active = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly server: TtrpcServer,
  ) {
    this.reader = new FrameReader(server.limit);
    this.writer = new FrameWriter(socket);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => server.report(new UnavailableError(`ttrpc connection failed: ${error.message}`, { cause: error })));
    socket.on('close', () => {
      const truncated = this.reader.incomplete();
      if (truncated) server.report(new InvalidArgumentError(`ttrpc client hung up mid-frame: ${truncated}`));
      const reason = new UnavailableError('ttrpc connection closed');
      for (const call of this.calls) call.abort(reason);
      this.idle?.();
    });
  }

  drain(): Promise<void> {
    if (this.active === 0 || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Flushes queued responses, then closes; a peer that does not hang up within a second is cut off. */
  end(): void {
    this.writer.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onData(chunk: Buffer): void {
    for (const event of this.reader.push(chunk)) {
      if (event.kind === 'oversize') {
        const { streamId, length } = event.header;
        this.respondStatus(streamId, {
          code: GrpcCode.ResourceExhausted,
          message: `message length ${length} exceed maximum message size of ${this.server.limit}`,
        });
        continue;
      }
      this.onFrame(event.frame);
    }
  }

  private onFrame(frame: Frame): void {
    if (frame.type !== MessageType.Request) return; // ignored for forward compatibility, as ttrpc does
    let request: RequestMessage;
    try {
      request = decodeRequest(frame.payload);
    } catch (error) {
      this.respondStatus(frame.streamId, {
        code: GrpcCode.InvalidArgument,
        message: `unmarshal request error: ${(error as Error).message}`,
      });
      return;
    }
    if (frame.streamId % 2 !== 1) {
      this.respondStatus(frame.streamId, {
        code: GrpcCode.InvalidArgument,
        message: 'StreamID must be odd for client initiated streams',
      });
      return;
    }
    const handler = this.server.lookup(request.service, request.method);
    if (typeof handler !== 'function') {
      this.respondStatus(frame.streamId, handler);
      return;
    }
    this.dispatch(frame.streamId, request, handler).catch((error: unknown) =>
      this.server.report(new UnavailableError(`ttrpc server failed to answer stream ${frame.streamId}`, { cause: error })),
    );
  }

  private async dispatch(streamId: number, request: RequestMessage, handler: RawHandler): Promise<void> {
    this.active++;
    const call = new AbortController();
    this.calls.add(call);
    let timer: NodeJS.Timeout | undefined;
    try {
      let deadline: number | undefined;
      if (request.timeoutNano !== 0) {
        // Whole milliseconds for the timer; an expired deadline (Go sends a negative
        // timeout_nano then) aborts at once; a huge one is capped at the timer maximum.
        const ms = Math.min(Math.max(0, Math.ceil(request.timeoutNano / 1e6)), 2 ** 31 - 1);
        deadline = Date.now() + ms;
        timer = setTimeout(() => call.abort(new DOMException(`deadline of ${ms} ms exceeded`, 'TimeoutError')), ms);
      }
      const context: CallContext = {
        service: request.service,
        method: request.method,
        metadata: entriesToMetadata(request.metadata),
        signal: call.signal,
        deadline,
        streamId,
      };
      const payload = await handler(request.payload, context);
      const body = encodeResponse({ payload });
      if (body.length > this.server.limit) {
        throw new ResourceExhaustedError(
          `${fullMethodName(request.service, request.method)}: response of ${body.length} bytes exceeds the ttrpc message limit of ${this.server.limit} bytes`,
        );
      }
      this.send(streamId, body);
    } catch (error) {
      this.respondStatus(streamId, statusFromError(error));
    } finally {
      if (timer) clearTimeout(timer);
      this.calls.delete(call);
      this.active--;
      if (this.active === 0) this.idle?.();
    }
  }

  private respondStatus(streamId: number, status: StatusMessage): void {
    this.send(streamId, encodeResponse({ status, payload: new Uint8Array(0) }));
  }

  private send(streamId: number, body: Uint8Array): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.writer.write(encodeFrame(streamId, MessageType.Response, body));
  }
}
