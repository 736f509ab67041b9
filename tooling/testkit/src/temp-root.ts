import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { mountsUnder } from './mountinfo.js';

/**
 * Makes a fresh temp directory for one test and registers its removal. The teardown fails the
 * test if anything is still mounted under the directory, so a leaked mount never goes unseen;
 * it lazily unmounts the leaks first (deepest first), so even a failing test leaves the machine
 * clean.
 */
export async function tempRoot(t: ExecutionContext, prefix = 'proj-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(async () => {
    const leaked = mountsUnder(dir);
    if (leaked.length > 0) {
      for (const mountpoint of [...leaked].reverse()) spawnSync('umount', ['-l', mountpoint]);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new Error(`test left mounts behind under ${dir}: ${leaked.join(', ')}`);
    }
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}
