import type { ExecutionContext } from 'ava';
import { tempRoot } from '../temp-root.js';
import { type ContainerdDaemon, type StartContainerdOptions, startContainerd } from './daemon.js';

/**
 * Starts a private containerd for one ava test in a {@link tempRoot} dir and stops it at
 * teardown (by pid, shims killed, mounts under root/state removed); the tempRoot teardown then
 * fails the test if anything is still mounted. On failure the daemon's log is attached.
 */
export async function useContainerd(
  t: ExecutionContext,
  options: Omit<StartContainerdOptions, 'dir'> = {},
): Promise<ContainerdDaemon> {
  const dir = await tempRoot(t, 'proj-ctd-');
  const daemon = await startContainerd({ ...options, dir });
  t.teardown(async () => {
    if (!t.passed) t.log(`containerd log (${daemon.logPath}):\n${daemon.log().split('\n').slice(-40).join('\n')}`);
    await daemon.stop();
  });
  return daemon;
}
