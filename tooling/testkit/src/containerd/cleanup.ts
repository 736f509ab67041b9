import { execFile } from 'node:child_process';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountsUnder } from '../mountinfo.js';

const run = promisify(execFile);

/**
 * Unmounts everything mounted at or below each of `dirs`, deepest first (plain umount, then a
 * lazy one if busy). Returns the mount points it unmounted.
 */
export async function unmountUnder(...dirs: string[]): Promise<string[]> {
  const done: string[] = [];
  for (const dir of dirs) {
    for (const mountpoint of mountsUnder(dir).reverse()) {
      try {
        await run('umount', [mountpoint]);
      } catch {
        await run('umount', ['-l', mountpoint]).catch(() => undefined);
      }
      done.push(mountpoint);
    }
  }
  return done;
}

/**
 * Pids of the runtime v2 shims serving the containerd at gRPC `address`: processes whose
 * command line is `containerd-shim-* ... -address <address> ...`. Our daemon started them, so a
 * test may kill them by these pids when it stops its daemon.
 */
export async function shimPidsOf(address: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8')
      .then((text) => text.split('\0'))
      .catch(() => [] as string[]);
    if (!argv[0]?.includes('containerd-shim')) continue;
    const flag = argv.findIndex((arg) => arg === '-address' || arg === '--address');
    if (flag >= 0 && argv[flag + 1] === address) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Removes the per-namespace runc state dirs (`/run/containerd/runc/<namespace>`) that the shims
 * of this daemon left behind, for each namespace that had tasks under `state`. Only empty dirs
 * go (rmdir), so the state of a container still running elsewhere is never touched.
 */
export async function removeRuncNamespaceDirs(state: string): Promise<void> {
  const namespaces = await readdir(join(state, 'io.containerd.runtime.v2.task')).catch(() => [] as string[]);
  for (const namespace of namespaces) await rmdir(join('/run/containerd/runc', namespace)).catch(() => undefined);
}

/**
 * Kills and deletes every task a still-running daemon has, in every namespace (`ctr tasks rm
 * -f`), so containerd itself removes the container processes, shim sockets, runc state and
 * cgroups a test left behind. Failures are ignored: this is best-effort cleanup before the
 * daemon stops.
 */
export async function removeTasks(ctr: (...args: string[]) => Promise<string>): Promise<void> {
  const lines = (text: string) => text.split('\n').filter(Boolean);
  const namespaces = await ctr('namespaces', 'ls', '-q').then(lines, () => [] as string[]);
  for (const namespace of namespaces) {
    const tasks = await ctr('-n', namespace, 'tasks', 'ls', '-q').then(lines, () => [] as string[]);
    for (const id of tasks) await ctr('-n', namespace, 'tasks', 'rm', '-f', id).catch(() => undefined);
  }
}

/**
 * Removes the empty per-namespace cgroups (`/sys/fs/cgroup[/<controller>]/<namespace>`) that
 * runc leaves as the parent of each container's `/<namespace>/<id>` cgroup, for each namespace
 * that had tasks under `state`. rmdir only removes empty cgroups, so a live one is never touched.
 */
export async function removeNamespaceCgroups(state: string): Promise<void> {
  const namespaces = await readdir(join(state, 'io.containerd.runtime.v2.task')).catch(() => [] as string[]);
  if (namespaces.length === 0) return;
  const hierarchies = ['/sys/fs/cgroup'];
  for (const entry of await readdir('/sys/fs/cgroup', { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) hierarchies.push(join('/sys/fs/cgroup', entry.name));
  }
  for (const namespace of namespaces) {
    for (const hierarchy of hierarchies) await rmdir(join(hierarchy, namespace)).catch(() => undefined);
  }
}
