import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { ExecutionContext, TestFn } from 'ava';
import { isNotFound } from '@proj/errdefs';
import { mkfifo } from '@proj/mount';
import { Client, type Image } from '@proj/client';
import { busyboxImage, type BuiltImage, type ContainerdDaemon, isRoot, ociArchive, startContainerd } from '@proj/testkit';

/**
 * The daemon the suite talks to: `PROJ_CLIENT_ADDRESS` when set (any containerd-compatible
 * daemon, e.g. ours), else a real containerd 1.6.20 this file starts on a private root, state
 * and socket (and stops afterwards). Nothing in the suite looks at the daemon's files: only the API.
 */
export const externalAddress = process.env.PROJ_CLIENT_ADDRESS;

const run = promisify(execFile);

/**
 * Registers before/after hooks that start and stop the file's daemon; returns its address and a
 * `ctr` runner against it (containerd's own Go client, to cross-check what ours made).
 */
export function suiteDaemon<C>(test: TestFn<C>): {
  address(): string;
  ctr(namespace: string, ...args: string[]): Promise<string>;
  /** `ctr` run synchronously: nothing else in this process moves meanwhile (to look at a call in flight). */
  ctrSync(namespace: string, ...args: string[]): string;
} {
  let daemon: ContainerdDaemon | undefined;
  test.before(async () => {
    if (!externalAddress && isRoot()) daemon = await startContainerd();
  });
  test.after.always(async () => {
    await daemon?.stop();
  });
  return {
    address: () => externalAddress ?? daemon?.address ?? '',
    ctr: async (namespace, ...args) => {
      const address = externalAddress ?? daemon?.address ?? '';
      const { stdout } = await run('ctr', ['-a', address, '-n', namespace, ...args], { timeout: 60_000 });
      return stdout;
    },
    ctrSync: (namespace, ...args) =>
      execFileSync('ctr', ['-a', externalAddress ?? daemon?.address ?? '', '-n', namespace, ...args], { timeout: 60_000, encoding: 'utf8' }),
  };
}

/** One test's view: its own namespace and FIFO dir, and a leak check at teardown. */
export interface Session {
  client: Client;
  namespace: string;
  fifoDir: string;
  /** A unique id for containers, snapshots and execs. */
  id(prefix?: string): string;
  /** Imports (and unpacks) a busybox OCI archive into the namespace. */
  busybox(name?: string): Promise<{ image: Image; built: BuiltImage }>;
}

/**
 * A client in a fresh namespace with a private FIFO dir. At teardown the test fails if it left
 * a task, container, lease or FIFO behind; then its images are deleted (synchronously
 * collected) and the namespace must be deletable, which containerd only allows when it holds
 * no image, content, container, snapshot or lease any more.
 */
export async function session(t: ExecutionContext, address: string): Promise<Session> {
  const namespace = `client-${randomBytes(4).toString('hex')}`;
  const fifoDir = await mkdtemp(join(tmpdir(), 'client-fifo-'));
  const client = await Client.connect(address, { namespace, mkfifo, fifoDir });
  t.teardown(async () => {
    try {
      const leaks: string[] = [];
      const tasks = await client.services.tasks.list({}, client.call());
      for (const task of tasks.tasks) {
        leaks.push(`task ${task.id}`);
        await client.services.tasks.kill({ containerId: task.id, signal: 9, all: true }, client.call()).catch(() => undefined);
        await client.services.tasks.wait({ containerId: task.id }, client.call()).catch(() => undefined);
        await client.services.tasks.delete({ containerId: task.id }, client.call()).catch(() => undefined);
      }
      for (const container of await client.containers()) {
        leaks.push(`container ${container.id}`);
        await container.delete({ withSnapshotCleanup: true }).catch(() => undefined);
      }
      for (const lease of await client.leases.list()) {
        leaks.push(`lease ${lease.id}`);
        await client.leases.delete(lease.id).catch(() => undefined);
      }
      const fifos = await readdir(fifoDir);
      if (fifos.length > 0) leaks.push(`FIFO dirs ${fifos.join(', ')}`);
      for (const image of await client.listImages()) await image.delete({ sync: true });
      const snapshots = await client.snapshotService('overlayfs').list();
      if (snapshots.length > 0) leaks.push(`snapshots ${snapshots.map((s) => s.name).join(', ')}`);
      for (const s of snapshots) await client.snapshotService('overlayfs').remove(s.name).catch(() => undefined);
      if (leaks.length > 0) throw new Error(`test left behind: ${leaks.join('; ')}`);
      await client.namespaces.delete(namespace).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    } finally {
      client.close();
      await rm(fifoDir, { recursive: true, force: true });
    }
  });
  let counter = 0;
  return {
    client,
    namespace,
    fifoDir,
    id: (prefix = 'c') => `${prefix}-${randomBytes(3).toString('hex')}-${counter++}`,
    busybox: async (name = 'docker.io/library/busybox:latest') => {
      const built = busyboxImage({ name });
      const [image] = await client.import(Readable.from([ociArchive(built)]));
      if (!image) throw new Error('import returned no image');
      return { image, built };
    },
  };
}

/** A writable that collects what is written into a string. */
export function collector(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs` (default 20 s) naming `what`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
