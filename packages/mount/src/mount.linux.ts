import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { InvalidArgumentError, NotFoundError, fromSystemError } from '@proj/errdefs';
import { MountFlag, propagationFlags } from './flags.js';
import { native } from './native.js';
import { parseMountOptions } from './options.js';
import {
  type NewMountApiMode,
  compactLowerdirs,
  defaultNewMountApiMode,
  fsconfigOptions,
  newApiFlags,
  overlayDataTooLong,
  overlayLowerdirs,
  supportsLowerdirPlus,
} from './overlay.js';
import type { Mount } from './types.js';
import { unmountTimes } from './unmount.linux.js';

/** Options of {@link mount} and {@link mountAll}. */
export interface MountOptions {
  /** When to use the new mount API for overlay; see {@link NewMountApiMode}. */
  newMountApi?: NewMountApiMode;
}

// Filesystems whose source is a name, not a path that must exist.
const virtualSources = new Set(['overlay', 'tmpfs', 'proc', 'sysfs', 'devpts', 'mqueue', 'cgroup', 'cgroup2', 'shm', 'none']);

/**
 * Performs one mount on `target` (an absolute path to an existing directory or file), the way
 * containerd's `Mount.Mount` does: the options are split into flags and data, the mount is made,
 * propagation is applied by a second call, and a read-only bind is remounted read-only. Overlay
 * chains too long for one page go through the new mount API or relative layer paths. On any
 * failure nothing stays mounted. Errors: InvalidArgument (relative target, bad option, unknown
 * type), NotFound (missing target or source), PermissionDenied (not root).
 */
export async function mount(m: Mount, target: string, options: MountOptions = {}): Promise<void> {
  validate(m, target);
  const { flags: parsedFlags, data } = parseMountOptions(m.options);
  let flags = parsedFlags;
  if (m.type === 'bind') flags |= MountFlag.BIND;
  if (m.type === 'rbind') flags |= MountFlag.BIND | MountFlag.REC;
  await checkPaths(m, flags, data, target);

  const what = `mount ${m.type} "${m.source}" on "${target}"`;
  const baseFlags = flags & ~propagationFlags;
  const remount = (baseFlags & MountFlag.REMOUNT) !== 0;
  let mounted = false;
  try {
    if (m.type === 'overlay' && !remount) {
      await mountOverlay(m, target, baseFlags, data, options.newMountApi ?? defaultNewMountApiMode());
    } else {
      // A remount (also of a bind: remount,bind,ro) changes the existing mount in one call.
      await native().mount(m.source, target, m.type, baseFlags, data.join(','), '');
    }
    mounted = !remount;
    if (flags & propagationFlags) {
      const propagation = flags & (propagationFlags | MountFlag.REC | MountFlag.SILENT);
      await native().mount('', target, '', propagation, '', '');
    }
    // The kernel ignores ro on the first call of a bind mount: remount the bind read-only.
    const readOnlyBind = MountFlag.BIND | MountFlag.RDONLY;
    if (!remount && (baseFlags & readOnlyBind) === readOnlyBind) {
      await native().mount('', target, '', baseFlags | MountFlag.REMOUNT, '', '');
    }
  } catch (err) {
    if (mounted) await unmountTimes(target, 1).catch(() => undefined);
    throw describe(err, m, what);
  }
}

/**
 * Mounts every mount in order on the same `target`, each stacked on the previous one
 * (containerd's `mount.All`). If one fails, those already made are unmounted again.
 */
export async function mountAll(mounts: readonly Mount[], target: string, options: MountOptions = {}): Promise<void> {
  let done = 0;
  try {
    for (const m of mounts) {
      await mount(m, target, options);
      done++;
    }
  } catch (err) {
    await unmountTimes(target, done).catch(() => undefined);
    throw err;
  }
}

async function mountOverlay(m: Mount, target: string, flags: number, data: string[], mode: NewMountApiMode): Promise<void> {
  const tooLong = overlayDataTooLong(data);
  const useNewApi = mode === 'always' || (mode === 'auto' && tooLong && supportsLowerdirPlus());
  if (useNewApi) {
    const { attributes, superblock } = newApiFlags(flags);
    const calls = fsconfigOptions(m.source, data);
    for (const word of superblock) calls.push([word, null]);
    await native().fsmount('overlay', target, calls, attributes);
    return;
  }
  let chdir = '';
  let mountData = data;
  if (tooLong) {
    ({ chdir, data: mountData } = compactLowerdirs(data));
    if (overlayDataTooLong(mountData)) {
      throw new InvalidArgumentError(
        `mount overlay on "${target}": the options are ${mountData.join(',').length} bytes even with relative layer paths, ` +
          `over the kernel's page-size limit; this kernel lacks lowerdir+ (Linux 6.8+), so use fewer layers`,
      );
    }
  }
  await native().mount(m.source, target, 'overlay', flags, mountData.join(','), chdir);
}

function validate(m: Mount, target: string): void {
  if (typeof m?.type !== 'string' || m.type === '') {
    throw new InvalidArgumentError(`mount type ${JSON.stringify(m?.type)} is invalid: give a filesystem type such as "overlay", "tmpfs" or "bind"`);
  }
  if (typeof m.source !== 'string') {
    throw new InvalidArgumentError(`mount source of a ${m.type} mount must be a string`);
  }
  if (!Array.isArray(m.options)) {
    throw new InvalidArgumentError(`mount options of a ${m.type} mount must be a list of strings`);
  }
  if (typeof target !== 'string' || !isAbsolute(target)) {
    throw new InvalidArgumentError(`mount target ${JSON.stringify(target)} must be an absolute path`);
  }
}

async function checkPaths(m: Mount, flags: number, data: string[], target: string): Promise<void> {
  await mustExist(target, 'mount target', 'create it before mounting');
  if (m.type === 'overlay') {
    const { index, dirs } = overlayLowerdirs(data);
    if (index === -1 || dirs.length === 0) {
      throw new InvalidArgumentError(`mount overlay on "${target}": the lowerdir option is missing or empty`);
    }
    for (const dir of dirs) await mustExist(dir, 'overlay lowerdir', 'check the layer paths');
    for (const key of ['upperdir=', 'workdir=']) {
      const option = data.find((o) => o.startsWith(key));
      if (option) await mustExist(option.slice(key.length), `overlay ${key.slice(0, -1)}`, 'create it before mounting');
    }
    return;
  }
  const isBind = (flags & MountFlag.BIND) !== 0;
  if (isBind || (isAbsolute(m.source) && !virtualSources.has(m.type))) {
    await mustExist(m.source, 'mount source', 'check the path');
  }
}

async function mustExist(path: string, what: string, fix: string): Promise<void> {
  try {
    await stat(path);
  } catch (err) {
    throw new NotFoundError(`${what} "${path}" does not exist: ${fix}`, { cause: err });
  }
}

function describe(err: unknown, m: Mount, what: string): Error {
  if (!(err instanceof Error) || typeof (err as { errno?: unknown }).errno !== 'number') return err as Error;
  if ((err as { code?: string }).code === 'ENODEV') {
    return new InvalidArgumentError(`unknown mount type "${m.type}": the kernel has no such filesystem (see /proc/filesystems)`, { cause: err });
  }
  return fromSystemError(err, what);
}
