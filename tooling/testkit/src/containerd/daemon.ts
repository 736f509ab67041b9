import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { access, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FailedPreconditionError, UnavailableError } from '@proj/errdefs';
import { removeNamespaceCgroups, removeRuncNamespaceDirs, removeTasks, shimPidsOf, unmountUnder } from './cleanup.js';
import { type ContainerdPaths, containerdConfig } from './config.js';
import { probeContainerd } from './probe.js';

const run = promisify(execFile);

/** The installed reference daemon (Debian's containerd 1.6.20). */
export const defaultContainerdBinary = '/usr/bin/containerd';

/** Options of {@link startContainerd}. */
export interface StartContainerdOptions {
  /** The dir to work in (it must exist); default a fresh temp dir that `stop()` removes. */
  dir?: string;
  /** The containerd binary; default `/usr/bin/containerd`. */
  binary?: string;
  /** How long to wait for the socket to answer; default 30 s. */
  readyTimeoutMs?: number;
  /** TOML appended to the generated config (e.g. plugin settings). */
  extraConfig?: string;
}

/** A running private containerd. */
export interface ContainerdDaemon extends ContainerdPaths {
  /** The dir holding root/, state/, the sockets, config.toml and containerd.log. */
  dir: string;
  /** containerd's pid (the process this kit started). */
  pid: number;
  /** The generated config file. */
  configPath: string;
  /** containerd's stdout and stderr. */
  logPath: string;
  /** containerd's log so far. */
  log(): string;
  /** Runs `ctr --address <address> ...args` and returns its stdout (errors carry stderr). */
  ctr(...args: string[]): Promise<string>;
  /**
   * Kills and deletes the tasks still running in any namespace (through containerd), stops
   * containerd by pid (SIGTERM, SIGKILL after `graceMs`, default 10 s), kills the shims it
   * started (by pid), removes the namespaces' empty runc state dirs and cgroups, unmounts
   * anything under its root and state, and removes the dir if this kit made it. Safe to call twice.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a real containerd on a private root, state and sockets (under one dir) with a
 * generated config (version 2, CRI disabled, own gRPC and ttrpc addresses, no debug socket),
 * and resolves once its gRPC socket answers `Version`. Needs root.
 */
export async function startContainerd(options: StartContainerdOptions = {}): Promise<ContainerdDaemon> {
  const binary = options.binary ?? defaultContainerdBinary;
  await access(binary, constants.X_OK).catch((cause: unknown) => {
    throw new FailedPreconditionError(`containerd binary ${binary} is not executable: install it (apt-get install containerd)`, { cause });
  });
  if (process.getuid?.() !== 0) {
    throw new FailedPreconditionError('starting containerd needs root: run the test as root (see rootTest)');
  }
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'proj-ctd-')));
  const paths: ContainerdPaths = {
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    address: join(dir, 'containerd.sock'),
    ttrpcAddress: join(dir, 'containerd.sock.ttrpc'),
    opt: join(dir, 'opt'),
  };
  const configPath = join(dir, 'config.toml');
  const logPath = join(dir, 'containerd.log');
  await mkdir(paths.root, { recursive: true, mode: 0o711 });
  await writeFile(configPath, containerdConfig(paths, options.extraConfig));

  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, ['--config', configPath], { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const log = () => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };

  let ready = false;
  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 10_000) => {
    stopped ??= (async () => {
      if (ready && child.exitCode === null && child.signalCode === null) await removeTasks(ctr);
      await stopProcess(child, exited, graceMs);
      await killShims(paths.address);
      await removeRuncNamespaceDirs(paths.state);
      await removeNamespaceCgroups(paths.state);
      await unmountUnder(paths.root, paths.state, dir);
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const ctr = async (...args: string[]) => {
    try {
      const { stdout } = await run('ctr', ['--address', paths.address, ...args], { timeout: 120_000, maxBuffer: 64 << 20 });
      return stdout;
    } catch (error) {
      const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
      throw new Error(`ctr ${args.join(' ')} failed: ${stderr.trim() || stdout.trim()}`, { cause: error });
    }
  };

  try {
    await waitUntilReady(paths.address, exited, options.readyTimeoutMs ?? 30_000, log);
    ready = true;
  } catch (error) {
    await stop(2000);
    throw error;
  }
  if (child.pid === undefined) throw new UnavailableError(`containerd has no pid:\n${log()}`);
  return { ...paths, dir, pid: child.pid, configPath, logPath, log, ctr, stop };
}

async function waitUntilReady(address: string, exited: Promise<void>, timeoutMs: number, log: () => string): Promise<void> {
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (dead) throw new UnavailableError(`containerd exited during startup; its log:\n${log()}`);
    if (await probeContainerd(address, 1000)) return;
    if (Date.now() > deadline) {
      throw new UnavailableError(`containerd did not answer on ${address} within ${timeoutMs} ms; its log:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

async function killShims(address: string): Promise<void> {
  const pids = await shimPidsOf(address);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
