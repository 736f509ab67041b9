import { constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { NotImplementedError } from '@proj/errdefs';
import type { FifoMaker } from './options.js';

/** The stdio paths a task or exec is created with (empty: no such stream). */
export interface IOConfig {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

/** The client side of a process's stdio. */
export interface IO {
  /** The paths or URIs sent to the daemon. */
  readonly config: IOConfig;
  /** Resolves once stdout and stderr were copied to the end (the process closed them). */
  wait(): Promise<void>;
  /** Stops copying stdin. */
  cancel(): void;
  /** Closes every FIFO end and removes the FIFOs this IO made. */
  close(): Promise<void>;
  /**
   * Resolves when the stdin stream given to the IO ended and was copied. The shim keeps the
   * process's stdin open until `closeIO`, so processes call it then (containerd's Go client
   * leaves that to the caller).
   */
  readonly stdinEnded?: Promise<void>;
}

/** What IO creators get from the client. */
export interface IOContext {
  /** How to make FIFOs (the client's `mkfifo` option). */
  mkfifo: FifoMaker | undefined;
  /** Directory for FIFO directories (the client's `fifoDir` option). */
  fifoDir: string;
}

/** Makes the IO of a new process named `id` (containerd's `cio.Creator`). */
export type IOCreator = (id: string, ctx: IOContext) => Promise<IO>;

/** Re-attaches to the stdio of an existing process from its paths (containerd's `cio.Attach`). */
export type IOAttach = (config: IOConfig, ctx: IOContext) => Promise<IO>;

/** Node streams for a process's stdio; leave one out for no such stream. */
export interface Streams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

/** Options of {@link withStreams}. */
export interface StreamOptions {
  /** Run with a terminal: stdout carries both output streams and there is no stderr FIFO. */
  terminal?: boolean;
  /** Directory for this IO's FIFO directory; default the client's `fifoDir`. */
  fifoDir?: string;
}

const done: IO = {
  config: { stdin: '', stdout: '', stderr: '', terminal: false },
  wait: async () => undefined,
  cancel: () => undefined,
  close: async () => undefined,
};

/** No stdio at all: the process's stdin, stdout and stderr go nowhere. */
export function nullIO(): IOCreator {
  return async () => done;
}

/**
 * stdout and stderr appended to the file at `path` by the shim (`file://` URI); no stdin, no
 * FIFOs. The path must be absolute on the daemon's host.
 */
export function logFile(path: string): IOCreator {
  return async () => ({ ...done, config: { stdin: '', stdout: `file://${path}`, stderr: `file://${path}`, terminal: false } });
}

/**
 * Stdio through FIFOs the client makes and opens (one directory per process under the FIFO
 * dir), copied to and from Node streams: what `ctr run` does. FIFOs need the client's `mkfifo`
 * option (e.g. `mkfifo` of `@proj/mount`): Node itself cannot make them.
 */
export function withStreams(streams: Streams, options: StreamOptions = {}): IOCreator {
  return async (id, ctx) => {
    if (!ctx.mkfifo) {
      throw new NotImplementedError(
        'FIFO stdio needs a way to make FIFOs: pass { mkfifo } to the Client (for example mkfifo from @proj/mount), or use nullIO() or logFile()',
      );
    }
    const root = options.fifoDir ?? ctx.fifoDir;
    await mkdir(root, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(root, `${id}-`));
    const terminal = options.terminal ?? false;
    // The runc shim copies stdout and stderr together or not at all: both FIFOs always exist
    // (stderr not with a terminal) and a stream left out is drained and dropped.
    const config: IOConfig = {
      stdin: streams.stdin ? join(dir, `${id}-stdin`) : '',
      stdout: join(dir, `${id}-stdout`),
      stderr: terminal ? '' : join(dir, `${id}-stderr`),
      terminal,
    };
    try {
      for (const path of [config.stdin, config.stdout, config.stderr]) if (path) await ctx.mkfifo(path, 0o700);
      return openFifos(config, streams, dir);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  };
}

/** A terminal: stdin and stdout through FIFOs, the shim drives a pty; resize with `resize`. */
export function terminal(streams: Pick<Streams, 'stdin' | 'stdout'>, options: Omit<StreamOptions, 'terminal'> = {}): IOCreator {
  return withStreams(streams, { ...options, terminal: true });
}

/** Attaches Node streams to the existing FIFOs of a running process (`container.task(attach(...))`). */
export function attach(streams: Streams): IOAttach {
  return async (config) => {
    const paths = [config.stdin, config.stdout, config.stderr].filter((p) => p.startsWith('/'));
    const dirs = new Set(paths.map((p) => dirname(p)));
    // Like containerd's attach, closing removes the FIFOs (their directory) once done.
    return openFifos(config, streams, dirs.size === 1 ? [...dirs][0] : undefined);
  };
}

function openFifos(config: IOConfig, streams: Streams, dir: string | undefined): IO {
  const sockets: Socket[] = [];
  const copies: Promise<void>[] = [];
  let stdinSocket: Socket | undefined;
  let stdinEnded: Promise<void> | undefined;
  const openReader = (path: string, dest: Writable) => {
    const socket = new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
    sockets.push(socket);
    socket.pipe(dest, { end: false });
    copies.push(
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.once('error', () => resolve());
      }),
    );
  };
  try {
    if (config.stdout) openReader(config.stdout, streams.stdout ?? discard());
    if (config.stderr) openReader(config.stderr, streams.stderr ?? discard());
    if (config.stdin && streams.stdin) {
      // Read-write: never blocks and never fails with ENXIO before the shim opens its end.
      const socket = new Socket({ fd: openSync(config.stdin, constants.O_RDWR | constants.O_NONBLOCK), readable: false, writable: true });
      socket.on('error', () => undefined);
      sockets.push(socket);
      stdinSocket = socket;
      stdinEnded = copyStdin(streams.stdin, socket);
    }
  } catch (err) {
    for (const socket of sockets) socket.destroy();
    throw err;
  }
  return {
    config,
    ...(stdinEnded ? { stdinEnded } : {}),
    wait: async () => {
      await Promise.all(copies);
    },
    cancel: () => stdinSocket?.destroy(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function copyStdin(source: Readable, socket: Socket): Promise<void> {
  try {
    for await (const chunk of source) {
      if (socket.destroyed) return;
      if (!socket.write(chunk)) await once(socket, 'drain');
    }
    // Flush. Our write end stays open until cancel(): closing it before the shim opened the
    // FIFO would drop what is buffered in it.
    await new Promise<void>((resolve) => socket.write(Buffer.alloc(0), () => resolve()));
  } catch {
    // The process went away or the IO was canceled.
  }
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
