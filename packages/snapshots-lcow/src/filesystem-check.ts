import { parse, resolve } from 'node:path';
import { InvalidArgumentError } from '@proj/errdefs';
import { runCommand } from './run-command.js';

/**
 * The filesystem check containerd's LCOW snapshotter makes before it opens a root: on Windows
 * the root must be on an NTFS volume (read with `fsutil fsinfo volumeinfo`), else
 * InvalidArgument. On every other platform there is nothing to check.
 */
export async function checkRootFilesystem(root: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform !== 'win32') return;
  const volume = parse(resolve(root)).root;
  const output = await runCommand('fsutil', ['fsinfo', 'volumeinfo', volume]);
  const type = volumeFilesystem(output);
  if (type?.toLowerCase() !== 'ntfs') {
    throw new InvalidArgumentError(`${root} is not on an NTFS volume (found ${type ?? 'unknown'}): put the LCOW snapshotter root on NTFS`);
  }
}

/** The "File System Name" field of `fsutil fsinfo volumeinfo` output. */
export function volumeFilesystem(fsutilOutput: string): string | undefined {
  return /^\s*File System Name\s*:\s*(\S+)/im.exec(fsutilOutput)?.[1];
}
