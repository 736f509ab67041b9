import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
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
