import { connect as netConnect, type Socket } from 'node:net';
import {
  CanceledError,
  DeadlineExceededError,
  type ErrdefsError,
  InvalidArgumentError,
  ResourceExhaustedError,
  UnavailableError,
} from '@proj/errdefs';
import { MessageType, maxMessageLength } from './constants.js';
import { type FrameEvent, FrameReader, FrameWriter, encodeFrame } from './frame.js';
import { decodeResponse, encodeRequest } from './messages.js';
import { type MetadataInit, metadataToEntries } from './metadata.js';
import { type MethodDescriptor, fullMethodName } from './method.js';
import { errorFromStatus, isOk } from './status.js';

/** Options of one call. */
export interface CallOptions {
  /** Per-call timeout in milliseconds; sent to the server as `timeout_nano`. On expiry the call rejects with DeadlineExceededError. */
  timeoutMs?: number;
  /** Cancels the call: it rejects with CanceledError (DeadlineExceededError if the reason is a `TimeoutError`). */
  signal?: AbortSignal;
  /** Request metadata; keys are lower-cased (`{ 'containerd-namespace-ttrpc': 'default' }`). */
  metadata?: MetadataInit;
}

/** Options of a client. */
export interface ClientOptions {
  /** Largest frame payload sent or accepted; defaults to ttrpc's 4 MiB. */
  maxMessageLength?: number;
  /** Name of the peer used in error messages; defaults to the socket's remote address. */
  label?: string;
}

/** Options of {@link TtrpcClient.connect}. */
export interface ConnectOptions extends ClientOptions {
  /** Gives up connecting after this many milliseconds (UnavailableError). Default 10 000. */
  timeoutMs?: number;
  /** Cancels the connection attempt. */
  signal?: AbortSignal;
}

interface PendingCall {
  readonly name: string;
  resolve(payload: Uint8Array): void;
  reject(error: Error): void;
}

/**
 * A ttrpc client on one connection. Calls are multiplexed: each gets the next odd stream id and
 * responses may come back in any order. When the connection closes, every pending call and
 * every later call rejects with UnavailableError.
 *
 * @example
 * ```ts
 * const client = await TtrpcClient.connect('/run/containerd/s/1234');
 * const reply = await client.call('containerd.task.v2.Task', 'Connect', requestBytes, { timeoutMs: 5000 });
 * client.close();
 * ```
 */
export class TtrpcClient {
  private readonly pending = new Map<number, PendingCall>();
  private readonly reader: FrameReader;
  private readonly writer: FrameWriter;
  private readonly maxLength: number;
  private readonly label: string;
  private nextStreamId = 1;
  private closeError: UnavailableError | undefined;
  private socketError: Error | undefined;
  private readonly closedPromise: Promise<UnavailableError>;
  private resolveClosed!: (error: UnavailableError) => void;

  /** Wraps a connected socket. The client owns it from now on and destroys it on {@link close}. */
  constructor(
    private readonly socket: Socket,
    options: ClientOptions = {},
  ) {
    this.maxLength = options.maxMessageLength ?? maxMessageLength;
    this.reader = new FrameReader(this.maxLength);
    this.writer = new FrameWriter(socket);
    this.label = options.label ?? (socket.remoteAddress || 'ttrpc server');
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.socketError ??= error;
    });
    socket.on('close', () => this.onClose());
    if (socket.destroyed) this.onClose();
  }

  /** Connects to a ttrpc server on a unix socket (a `unix://` prefix is accepted). */
  static connect(path: string, options: ConnectOptions = {}): Promise<TtrpcClient> {
    const socketPath = path.startsWith('unix://') ? path.slice('unix://'.length) : path;
    const label = options.label ?? socketPath;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ path: socketPath });
      const fail = (reason: string, cause?: unknown) => {
        cleanup();
        socket.destroy();
        reject(new UnavailableError(`cannot connect to ttrpc server at ${label}: ${reason}`, { cause }));
      };
      const onError = (error: Error) => fail(error.message, error);
      const onAbort = () => fail('canceled', options.signal?.reason);
      const timer = setTimeout(() => fail(`no connection after ${options.timeoutMs ?? 10_000} ms`), options.timeoutMs ?? 10_000);
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('error', onError);
        options.signal?.removeEventListener('abort', onAbort);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once('connect', () => {
        cleanup();
        resolve(new TtrpcClient(socket, { ...options, label }));
      });
    });
  }

  /** Whether the connection is closed; calls made now reject with UnavailableError. */
  get closed(): boolean {
    return this.closeError !== undefined;
  }

  /** Number of calls waiting for their response. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Resolves (never rejects) with the error pending calls got once the connection has closed. */
  whenClosed(): Promise<UnavailableError> {
    return this.closedPromise;
  }

  /**
   * Calls `service`/`method` with an encoded request; resolves with the encoded response.
   * A non-OK status rejects with the errdefs class of its code (Unimplemented → NotImplementedError).
   */
  call(service: string, method: string, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const name = fullMethodName(service, method);
    if (this.closeError) return Promise.reject(this.unavailable(name));
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(abortError(name, signal));

    const body = encodeRequest({
      service,
      method,
      payload,
      timeoutNano: timeoutMs && timeoutMs > 0 ? Math.round(timeoutMs * 1e6) : 0,
      metadata: metadataToEntries(options.metadata),
    });
    if (body.length > this.maxLength) {
      return Promise.reject(
        new ResourceExhaustedError(
          `${name}: request of ${body.length} bytes exceeds the ttrpc message limit of ${this.maxLength} bytes; send less per call`,
        ),
      );
    }
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    if (this.nextStreamId > 0xffffffff) this.nextStreamId = 1;

    return new Promise<Uint8Array>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => finish(abortError(name, signal!));
      const finish = (error: Error | undefined, result?: Uint8Array) => {
        if (!this.pending.delete(streamId)) return;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(result!);
      };
      this.pending.set(streamId, {
        name,
        resolve: (result) => finish(undefined, result),
        reject: (error) => finish(error),
      });
      if (timeoutMs && timeoutMs > 0) {
        timer = setTimeout(() => finish(new DeadlineExceededError(`${name}: no response within ${timeoutMs} ms`)), timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.writer.write(encodeFrame(streamId, MessageType.Request, body));
    });
  }

  /** Calls a typed method: encodes `request`, decodes the response with the descriptor's serializers. */
  async invoke<Request, Response>(
    descriptor: MethodDescriptor<Request, Response>,
    request: Request,
    options?: CallOptions,
  ): Promise<Response> {
    const payload = await this.call(descriptor.service, descriptor.method, descriptor.request.encode(request), options);
    try {
      return descriptor.response.decode(payload);
    } catch (cause) {
      throw new InvalidArgumentError(
        `${fullMethodName(descriptor.service, descriptor.method)}: cannot decode the response (${(cause as Error).message})`,
        { cause },
      );
    }
  }

  /** Closes the connection. Pending calls reject with UnavailableError. */
  close(): void {
    this.closeError ??= new UnavailableError(`ttrpc connection to ${this.label} closed by the client`);
    this.socket.destroy();
    this.onClose();
  }

  private onData(chunk: Buffer): void {
    let events: FrameEvent[];
    try {
      events = this.reader.push(chunk);
    } catch (cause) {
      this.closeError ??= new UnavailableError(`ttrpc connection to ${this.label}: unreadable data`, { cause });
      this.socket.destroy();
      return;
    }
    for (const event of events) {
      if (event.kind === 'oversize') {
        const { streamId, length } = event.header;
        this.pending
          .get(streamId)
          ?.reject(
            new ResourceExhaustedError(
              `${this.pending.get(streamId)?.name}: response of ${length} bytes exceeds the ttrpc message limit of ${this.maxLength} bytes`,
            ),
          );
        continue;
      }
      const { frame } = event;
      const call = this.pending.get(frame.streamId);
      if (!call) continue; // a late response to a canceled or timed-out call
      if (frame.type !== MessageType.Response) {
        call.reject(new InvalidArgumentError(`${call.name}: server sent a frame of type ${frame.type}, expected a response (2)`));
        continue;
      }
      let response;
      try {
        response = decodeResponse(frame.payload);
      } catch (cause) {
        call.reject(
          new InvalidArgumentError(`${call.name}: the server's response is not a valid ttrpc Response (${(cause as Error).message})`, {
            cause,
          }),
        );
        continue;
      }
      if (isOk(response.status)) call.resolve(response.payload);
      else call.reject(errorFromStatus(response.status!));
    }
  }

  private onClose(): void {
    if (!this.closeError) {
      const truncated = this.reader.incomplete();
      const reason = [truncated, this.socketError?.message].filter(Boolean).join('; ');
      this.closeError = new UnavailableError(
        `ttrpc connection to ${this.label} closed${reason ? ` (${reason})` : ''}`,
        this.socketError ? { cause: this.socketError } : {},
      );
    }
    this.resolveClosed(this.closeError);
    for (const call of [...this.pending.values()]) call.reject(this.unavailable(call.name));
  }

  private unavailable(name: string): UnavailableError {
    return new UnavailableError(`${name}: ${this.closeError!.message}`, { cause: this.closeError });
  }
}

function abortError(name: string, signal: AbortSignal): ErrdefsError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new DeadlineExceededError(`${name}: ${reason.message}`, { cause: reason });
  }
  return new CanceledError(`${name}: canceled by the caller`, { cause: reason });
}
