import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every path under `dir` (relative), with its type and mode, sorted: a fingerprint of a tree to
 * compare before and after an operation.
 */
export async function tree(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const names = await readdir(join(dir, relative)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const path = join(relative, name);
      const info = await lstat(join(dir, path));
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) lines.push(`${path} -> ${await readlink(join(dir, path))}`);
      else if (info.isDirectory()) {
        lines.push(`${path}/ ${mode}`);
        await walk(path);
      } else lines.push(`${path} ${info.isFIFO() ? 'fifo' : info.size} ${mode}`);
    }
  };
  await walk('');
  return lines;
}
