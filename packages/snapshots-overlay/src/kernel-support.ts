import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the overlay module says it knows the `index` option (only once the module is loaded). */
export const overlayIndexParameter = '/sys/module/overlay/parameters/index';

/**
 * Whether the kernel's overlayfs knows `index=`, as containerd's `supportsIndex` decides: the
 * module parameter exists. A module that is not loaded yet has no parameters, so as root this
 * first loads it the way containerd's `overlayutils.Supported` does, with a test mount of two
 * lower dirs in a temporary directory under `root` (removed again). Without root, or if the
 * test mount fails, the answer is what `/sys` says now.
 */
export async function overlaySupportsIndex(root: string, parameter = overlayIndexParameter): Promise<boolean> {
  if (existsSync(parameter)) return true;
  if (process.getuid?.() !== 0) return false;
  const dir = await mkdtemp(join(root, '.overlay-check-'));
  try {
    const { mountAll, unmountAll } = await import('@proj/mount');
    const [lower1, lower2, merged] = ['lower1', 'lower2', 'merged'].map((name) => join(dir, name)) as [string, string, string];
    await Promise.all([lower1, lower2, merged].map((path) => mkdir(path)));
    await mountAll([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower2}:${lower1}`] }], merged);
    await unmountAll(merged);
  } catch {
    // No overlayfs here: the snapshotter's mounts will fail and say so; the option is moot.
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return existsSync(parameter);
}

/**
 * The options every overlay mount of the snapshotter starts with: `index=off` when the kernel
 * knows it (unless `given` sets `index=` itself), then `given`.
 */
export function overlayMountOptions(given: readonly string[], supportsIndex: boolean): string[] {
  const has = (key: string) => given.some((o) => o === key || o.startsWith(`${key}=`));
  return [...(supportsIndex && !has('index') ? ['index=off'] : []), ...given];
}
