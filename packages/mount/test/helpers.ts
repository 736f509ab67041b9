import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mount } from '@proj/mount';

/** Makes `count` layer directories under `dir`, each holding `layer-<i>` and a shared `top` file. */
export async function makeLayers(dir: string, count: number, leaf = 'fs'): Promise<string[]> {
  const layers: string[] = [];
  for (let i = 0; i < count; i++) {
    const layer = join(dir, 'snapshots', String(i + 1), leaf);
    await mkdir(layer, { recursive: true });
    await writeFile(join(layer, `layer-${i}`), String(i));
    await writeFile(join(layer, 'top'), `from layer ${i}`);
    layers.push(layer);
  }
  return layers;
}

/** An overlay mount of `lowers` (first = topmost), with an upper and work dir when given. */
export function overlayMount(lowers: readonly string[], upper?: { upperdir: string; workdir: string }): Mount {
  const options = upper ? [`workdir=${upper.workdir}`, `upperdir=${upper.upperdir}`] : [];
  options.push(`lowerdir=${lowers.join(':')}`);
  return { type: 'overlay', source: 'overlay', options };
}
