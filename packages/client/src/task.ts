import { constants } from 'node:os';

import type { Any } from '@bufbuild/protobuf/wkt';
import { fromTimestamp, linuxResourcesTypeUrl, packJsonAny, processSpecTypeUrl, taskTypes } from '@proj/api';
import { FailedPreconditionError, InvalidArgumentError, isFailedPrecondition, isNotFound } from '@proj/errdefs';
import type { IO, IOContext, IOCreator } from './cio.js';
import { type Descriptor, fromWireDescriptor } from './descriptor.js';
import type { ClientContext } from './context.js';
import type { CallOptions } from './options.js';
import type { LinuxSpec, ProcessSpec } from './spec-types.js';

/** How a process ended. */
export interface ExitStatus {
  /** Exit code, or 128 + signal number when killed by a signal (e.g. 137 for SIGKILL). */
  code: number;
  /** When it exited; absent if it has not. */
  exitedAt?: Date;
}

/** Status of a task or process. */
export type ProcessStatus = 'unknown' | 'created' | 'running' | 'stopped' | 'paused' | 'pausing';

/** What `status()` reports. */
export interface ProcessState {
  status: ProcessStatus;
  pid: number;
  exitStatus: number;
  exitedAt?: Date;
}

/** A process of a task as `pids()` lists it. */
export interface ProcessInfo {
  pid: number;
  /** Runtime-specific details (for runc: `containerd.runc.v1.ProcessDetails` with the exec id). */
  info?: Any;
}

/** One metrics sample of a task (cgroups v1 or v2 metrics, packed as the runtime sent them). */
export interface TaskMetrics {
  id: string;
  timestamp?: Date;
  /** `io.containerd.cgroups.v1.Metrics` or `io.containerd.cgroups.v2.Metrics`. */
  data?: Any;
}

/** Options of {@link Process.kill}. */
export interface KillOptions extends CallOptions {
  /** Signal every process of the task, not only the init process. */
  all?: boolean;
}

const statusNames: Record<number, ProcessStatus> = {
  [taskTypes.Status.UNKNOWN]: 'unknown',
  [taskTypes.Status.CREATED]: 'created',
  [taskTypes.Status.RUNNING]: 'running',
  [taskTypes.Status.STOPPED]: 'stopped',
  [taskTypes.Status.PAUSED]: 'paused',
  [taskTypes.Status.PAUSING]: 'pausing',
};

/** The number of a signal given by name (`SIGTERM`, `TERM`) or number. */
export function signalNumber(signal: number | string): number {
  if (typeof signal === 'number') return signal;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`).toUpperCase() as keyof typeof constants.signals;
  const number = constants.signals[name];
  if (number === undefined) throw new InvalidArgumentError(`unknown signal "${signal}": use a name such as SIGTERM or a number`);
  return number;
}

/** The parts of the client a task needs. */
export interface TaskHost extends ClientContext {
  /** What IO creators get. */
  ioContext(): IOContext;
}

/**
 * A process: a task's init process or an exec. Call `wait()` before `start()` so the exit is
 * never missed; `wait()` sends its request at once and resolves when the process exits. The
 * exit can be reported before the last output reached the streams: `delete()` (or `io.wait()`)
 * returns once it has.
 */
export class Process {
  /** The container (task) id. */
  readonly containerId: string;
  /** The exec id; empty for the init process. */
  readonly execId: string;
  protected readonly host: TaskHost;
  #pid: number;
  #io: IO | undefined;

  /** @internal */
  constructor(host: TaskHost, containerId: string, execId: string, pid: number, io: IO | undefined) {
    this.host = host;
    this.containerId = containerId;
    this.execId = execId;
    this.#pid = pid;
    this.#io = io;
  }

  /** The process id: the container id for the init process, else the exec id. */
  get id(): string {
    return this.execId || this.containerId;
  }

  /** The pid on the host (0 until started for execs). */
  get pid(): number {
    return this.#pid;
  }

  /** The client side of the process's stdio, if any. */
  get io(): IO | undefined {
    return this.#io;
  }

  /** Starts the process; returns its pid. */
  async start(options: CallOptions = {}): Promise<number> {
    try {
      const r = await this.host.services.tasks.start({ containerId: this.containerId, execId: this.execId }, this.host.call(options));
      this.#pid = r.pid;
      // When the caller's stdin stream ends, close our FIFO end and the shim's (CloseIO) so
      // the process reads EOF. The shim holds the FIFO open by now, so nothing buffered is lost.
      void this.#io?.stdinEnded?.then(() => this.closeIO().catch(() => undefined));
      return r.pid;
    } catch (err) {
      // As the Go client: a process that did not start gets no stdio, its FIFOs go at once.
      if (this.#io) {
        this.#io.cancel();
        await this.#io.close();
      }
      throw err;
    }
  }

  /** Waits for the process to exit (the request goes out immediately). */
  async wait(options: CallOptions = {}): Promise<ExitStatus> {
    const r = await this.host.services.tasks.wait({ containerId: this.containerId, execId: this.execId }, this.host.call(options));
    const exitedAt = fromTimestamp(r.exitedAt);
    return exitedAt ? { code: r.exitStatus, exitedAt } : { code: r.exitStatus };
  }

  /** Sends a signal (default SIGTERM). */
  async kill(signal: number | string = 'SIGTERM', options: KillOptions = {}): Promise<void> {
    await this.host.services.tasks.kill(
      { containerId: this.containerId, execId: this.execId, signal: signalNumber(signal), all: options.all ?? false },
      this.host.call(options),
    );
  }

  /** The current status. */
  async status(options: CallOptions = {}): Promise<ProcessState> {
    const r = await this.host.services.tasks.get({ containerId: this.containerId, execId: this.execId }, this.host.call(options));
    const p = r.process;
    const out: ProcessState = { status: statusNames[p?.status ?? 0] ?? 'unknown', pid: p?.pid ?? 0, exitStatus: p?.exitStatus ?? 0 };
    const exitedAt = fromTimestamp(p?.exitedAt);
    if (exitedAt) out.exitedAt = exitedAt;
    return out;
  }

  /** Closes the process's stdin (the daemon side) and stops copying into it. */
  async closeIO(options: CallOptions = {}): Promise<void> {
    this.#io?.cancel();
    await this.host.services.tasks.closeIO({ containerId: this.containerId, execId: this.execId, stdin: true }, this.host.call(options));
  }

  /** Resizes the process's terminal. */
  async resize(width: number, height: number, options: CallOptions = {}): Promise<void> {
    await this.host.services.tasks.resizePty({ containerId: this.containerId, execId: this.execId, width, height }, this.host.call(options));
  }

  /**
   * Deletes the stopped process and returns how it exited. FailedPrecondition while it runs
   * (kill and wait first, or pass `force` to SIGKILL it and wait). Waits for its output to be
   * copied, then closes its IO.
   */
  async delete(options: CallOptions & { force?: boolean } = {}): Promise<ExitStatus> {
    let { status } = await this.status(options);
    if (options.force && (status === 'running' || status === 'paused' || status === 'pausing')) {
      // containerd's WithProcessKill: SIGKILL (every process of a task), then wait for the exit.
      // A kill that finds the process gone already (NotFound, FailedPrecondition) still waits
      // for the exit, and the wait is never left without a handler.
      const exited = this.wait(options);
      exited.catch(() => undefined);
      try {
        await this.kill('SIGKILL', { ...options, all: !this.execId });
      } catch (err) {
        if (!isNotFound(err) && !isFailedPrecondition(err)) throw err;
      }
      await exited;
      ({ status } = await this.status(options));
    }
    if (status !== 'stopped' && status !== 'unknown' && status !== 'created') {
      throw new FailedPreconditionError(`process ${this.id} must be stopped before deletion: it is ${status}; kill it and wait first`);
    }
    if (this.#io) {
      this.#io.cancel();
      await this.#io.wait();
    }
    const request = { containerId: this.containerId, execId: this.execId };
    const r = this.execId
      ? await this.host.services.tasks.deleteProcess(request, this.host.call(options))
      : await this.host.services.tasks.delete(request, this.host.call(options));
    await this.#io?.close();
    const exitedAt = fromTimestamp(r.exitedAt);
    return exitedAt ? { code: r.exitStatus, exitedAt } : { code: r.exitStatus };
  }
}

/** A running container: its init process plus exec, pause, resume, pids, metrics and update. */
export class Task extends Process {
  /** Pauses every process of the task (cgroup freezer). */
  async pause(options: CallOptions = {}): Promise<void> {
    await this.host.services.tasks.pause({ containerId: this.containerId }, this.host.call(options));
  }

  /** Resumes a paused task. */
  async resume(options: CallOptions = {}): Promise<void> {
    await this.host.services.tasks.resume({ containerId: this.containerId }, this.host.call(options));
  }

  /** The processes of the task. */
  async pids(options: CallOptions = {}): Promise<ProcessInfo[]> {
    const r = await this.host.services.tasks.listPids({ containerId: this.containerId }, this.host.call(options));
    return r.processes.map((p) => (p.info ? { pid: p.pid, info: p.info } : { pid: p.pid }));
  }

  /**
   * Creates (not starts) an extra process `execId` in the task with the given process spec
   * (typically the container spec's process with other args).
   */
  async exec(execId: string, spec: ProcessSpec, ioCreator: IOCreator, options: CallOptions = {}): Promise<Process> {
    const io = await ioCreator(execId, this.host.ioContext());
    try {
      await this.host.services.tasks.exec(
        {
          containerId: this.containerId,
          execId,
          stdin: io.config.stdin,
          stdout: io.config.stdout,
          stderr: io.config.stderr,
          terminal: io.config.terminal,
          spec: packJsonAny(processSpecTypeUrl, spec),
        },
        this.host.call(options),
      );
    } catch (err) {
      io.cancel();
      await io.close();
      throw err;
    }
    return new Process(this.host, this.containerId, execId, 0, io);
  }

  /** The task's latest metrics sample. */
  async metrics(options: CallOptions = {}): Promise<TaskMetrics> {
    const r = await this.host.services.tasks.metrics({ filters: [`id==${this.containerId}`] }, this.host.call(options));
    const m = r.metrics[0];
    const out: TaskMetrics = { id: m?.id ?? this.containerId };
    const ts = fromTimestamp(m?.timestamp);
    if (ts) out.timestamp = ts;
    if (m?.data) out.data = m.data;
    return out;
  }

  /** Updates the task's resources (OCI Linux resources) and/or annotations. */
  async update(update: { resources?: NonNullable<LinuxSpec['resources']>; annotations?: Record<string, string> }, options: CallOptions = {}): Promise<void> {
    await this.host.services.tasks.update(
      {
        containerId: this.containerId,
        ...(update.resources ? { resources: packJsonAny(linuxResourcesTypeUrl, update.resources) } : {}),
        annotations: update.annotations ?? {},
      },
      this.host.call(options),
    );
  }

  /**
   * Checkpoints the task's processes (CRIU through the runtime) into the content store and
   * returns the checkpoint blobs. `checkpointOptions` is e.g. `containerd.runc.v1.CheckpointOptions`
   * packed with `packAny`.
   */
  async checkpointBlobs(checkpointOptions: Any | undefined, options: CallOptions & { parent?: string } = {}): Promise<Descriptor[]> {
    const r = await this.host.services.tasks.checkpoint(
      { containerId: this.containerId, parentCheckpoint: options.parent ?? '', ...(checkpointOptions ? { options: checkpointOptions } : {}) },
      this.host.call(options),
    );
    return r.descriptors.map(fromWireDescriptor);
  }
}

