import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { mountsUnder, tempRoot } from '@proj/testkit';

const run = promisify(execFile);

/** A real containerd on a private root, state and socket, for one test. */
export interface TestContainerd {
  /** The temp dir holding root/, state/, the socket and the log. */
  dir: string;
  /** The gRPC socket. */
  address: string;
  /** containerd's root dir (content, snapshots, metadata). */
  root: string;
  /** The namespace the `ctr` helper uses. */
  namespace: string;
  /** Runs `ctr -a <address> -n <namespace> ...args` and returns its stdout. */
  ctr(...args: string[]): Promise<string>;
}

/**
 * Starts containerd for one test (config `version = 2`, CRI disabled) and registers its
 * teardown: kill any task left in the namespace, stop containerd by pid, unmount anything left
 * under its dir. The dir itself is a tempRoot, removed (and checked for mounts) afterwards.
 */
export async function startContainerd(t: ExecutionContext): Promise<TestContainerd> {
  const dir = await tempRoot(t, 'tk-ctd-');
  const root = join(dir, 'root');
  const address = join(dir, 'containerd.sock');
  const namespace = `tk-img-${randomBytes(4).toString('hex')}`;
  await writeFile(
    join(dir, 'config.toml'),
    [
      'version = 2',
      `root = ${JSON.stringify(root)}`,
      `state = ${JSON.stringify(join(dir, 'state'))}`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = ${JSON.stringify(address)}`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${JSON.stringify(join(dir, 'opt'))}`,
      '',
    ].join('\n'),
  );
  const logPath = join(dir, 'containerd.log');
  const log = openSync(logPath, 'a');
  const child = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);

  const ctr = async (...args: string[]) => {
    try {
      const { stdout } = await run('ctr', ['-a', address, '-n', namespace, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
      throw new Error(`ctr ${args.join(' ')} failed: ${stderr.trim() || stdout.trim()}`, { cause: error });
    }
  };

  t.teardown(async () => {
    await cleanTasks(ctr).catch((error: unknown) => t.log(`cleaning tasks: ${String(error)}`));
    await stop(child, exited);
    const left = mountsUnder(dir).reverse();
    for (const mountpoint of left) await run('umount', ['-l', mountpoint]).catch(() => undefined);
    if (left.length > 0) t.log(`unmounted what containerd left: ${left.join(', ')}`);
    // The runc shim keeps its state in /run/containerd/runc/<namespace>; drop the empty dir.
    await rmdir(join('/run/containerd/runc', namespace)).catch(() => undefined);
  });

  await waitReady(ctr, exited, () => readFileSync(logPath, 'utf8'));
  return { dir, address, root, namespace, ctr };
}

async function waitReady(ctr: (...args: string[]) => Promise<string>, exited: Promise<void>, log: () => string): Promise<void> {
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (dead) throw new Error(`containerd exited during startup:\n${log()}`);
    try {
      await ctr('version');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`containerd not ready after 30s:\n${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function cleanTasks(ctr: (...args: string[]) => Promise<string>): Promise<void> {
  for (const id of (await ctr('tasks', 'ls', '-q')).split('\n').filter(Boolean)) {
    await ctr('tasks', 'kill', '-s', 'SIGKILL', id).catch(() => undefined);
    await ctr('tasks', 'rm', '-f', id).catch(() => undefined);
  }
  for (const id of (await ctr('containers', 'ls', '-q')).split('\n').filter(Boolean)) {
    await ctr('containers', 'rm', id).catch(() => undefined);
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
