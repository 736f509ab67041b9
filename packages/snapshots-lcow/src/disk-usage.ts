import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Usage } from '@proj/snapshots';

/**
 * The disk usage of the tree at `dir`: allocated bytes (st_blocks × 512, so the holes of a
 * sparse `sandbox.vhdx` cost nothing; the apparent size where there is no block count) and inodes, each hard-linked inode counted once. A
 * missing directory uses nothing.
 */
export async function diskUsage(dir: string): Promise<Usage> {
  const seen = new Set<string>();
  const usage = { size: 0, inodes: 0 };
  const visit = async (path: string): Promise<void> => {
    let stats;
    try {
      stats = await lstat(path, { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const inode = `${stats.dev}:${stats.ino}`;
    if (!seen.has(inode)) {
      seen.add(inode);
      usage.inodes++;
      // Windows reports no block count: fall back to the apparent size there.
      usage.size += stats.blocks === undefined ? Number(stats.size) : Number(stats.blocks) * 512;
    }
    if (stats.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
    }
  };
  await visit(dir);
  return usage;
}
