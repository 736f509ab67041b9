import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Usage } from '@proj/snapshots';

const blockSize = 512n;

/**
 * The disk usage of the tree at `dir`, as containerd's `fs.DiskUsage` measures it: every
 * distinct inode (the root included) counted once, hard links included only the first time,
 * size as allocated blocks × 512. Entries that vanish during the walk (a running container)
 * are skipped.
 */
export async function diskUsage(dir: string): Promise<Usage> {
  const seen = new Set<string>();
  let size = 0n;
  const visit = async (path: string): Promise<void> => {
    let st: Awaited<ReturnType<typeof lstat>> & { ino: bigint; dev: bigint; blocks: bigint };
    try {
      st = (await lstat(path, { bigint: true })) as typeof st;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const id = `${st.dev}:${st.ino}`;
    if (!seen.has(id)) {
      seen.add(id);
      size += st.blocks * blockSize;
    }
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await readdir(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await Promise.all(names.map((name) => visit(join(path, name))));
  };
  await visit(dir);
  return { size: Number(size), inodes: seen.size };
}
