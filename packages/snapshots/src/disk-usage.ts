import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Usage } from './usage.js';

/**
 * The disk usage of the tree at `dir`, as containerd's `fs.DiskUsage` measures it: every
 * distinct inode (the root included) counted once, so a hard link adds nothing; size is the
 * allocated blocks × 512, so the holes of a sparse file cost nothing (the apparent size where
 * the platform reports no block count). Entries that vanish during the walk (a running
 * container) are skipped; a missing `dir` uses nothing.
 */
export async function diskUsage(dir: string): Promise<Usage> {
  const seen = new Set<string>();
  let size = 0;
  const visit = async (path: string): Promise<void> => {
    const stats = await ignoreMissing(() => lstat(path, { bigint: true }));
    if (!stats) return;
    const inode = `${stats.dev}:${stats.ino}`;
    if (!seen.has(inode)) {
      seen.add(inode);
      size += stats.blocks === undefined ? Number(stats.size) : Number(stats.blocks) * 512;
    }
    if (!stats.isDirectory()) return;
    const names = (await ignoreMissing(() => readdir(path))) ?? [];
    await Promise.all(names.map((name) => visit(join(path, name))));
  };
  await visit(dir);
  return { size, inodes: seen.size };
}

async function ignoreMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
