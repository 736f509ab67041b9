import { chmod, mkdir } from 'node:fs/promises';
import { relative, sep } from 'node:path';

/**
 * `mkdir -p` that reports every directory it created (outermost first) and sets `mode` on each
 * of them exactly, whatever the umask. Directories that already existed are left alone.
 */
export async function mkdirAll(path: string, mode: number): Promise<string[]> {
  const first = await mkdir(path, { recursive: true, mode });
  if (first === undefined) return [];
  const created = [first];
  const rest = relative(first, path);
  if (rest !== '') {
    let current = first;
    for (const part of rest.split(sep)) {
      current = `${current}${sep}${part}`;
      created.push(current);
    }
  }
  for (const dir of created) await chmod(dir, mode);
  return created;
}

