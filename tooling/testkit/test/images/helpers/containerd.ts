import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { useContainerd } from '@proj/testkit';

/** A real containerd for one image test, with `ctr` bound to a namespace of its own. */
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
 * Starts the kit's containerd for one test and, before it is stopped (teardowns run last
 * first), kills and removes every task and container the test left in its namespace. The kit's
 * stop removes the namespace's runc state dir.
 */
export async function startContainerd(t: ExecutionContext): Promise<TestContainerd> {
  const daemon = await useContainerd(t);
  const namespace = `tk-img-${randomBytes(4).toString('hex')}`;
  const ctr = (...args: string[]) => daemon.ctr('-n', namespace, ...args);
  t.teardown(async () => {
    await cleanTasks(ctr).catch((error: unknown) => t.log(`cleaning tasks: ${String(error)}`));
  });
  return { dir: daemon.dir, address: daemon.address, root: daemon.root, namespace, ctr };
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
