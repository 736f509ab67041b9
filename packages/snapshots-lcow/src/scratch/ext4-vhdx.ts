import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { InvalidArgumentError } from '@proj/errdefs';
import { runCommand } from '../run-command.js';
import type { SectorSize } from '../vhdx/layout.js';
import { writeDynamicVhdx } from '../vhdx/writer.js';
import type { CreateScratchOptions, ScratchCreator } from './creator.js';
import { dataRanges } from './extents.js';

/** The size `runhcs create-scratch` gives a scratch disk by default: 20 GiB. */
export const DEFAULT_SCRATCH_SIZE = 20 * 1024 ** 3;

/** Options of {@link ext4VhdxScratchCreator}. */
export interface Ext4VhdxScratchOptions {
  /** Virtual size of the disk in bytes (a multiple of 1 MiB); default 20 GiB, as runhcs. */
  sizeBytes?: number;
  /** The mkfs program; default `mkfs.ext4` from PATH (Debian package e2fsprogs). */
  mkfs?: string;
  /**
   * Arguments put before the image path. The default makes a quiet, forced ext4 that leaves
   * inode tables and the journal to be zeroed lazily: on a fresh VHDX unwritten blocks read as
   * zeros already, so there is nothing to gain by writing them.
   */
  mkfsArgs?: readonly string[];
  /** VHDX payload block size; default 1 MiB (Microsoft's advice for ext4 in a VHDX). */
  blockSize?: number;
  /** VHDX logical sector size; default 512. */
  logicalSectorSize?: SectorSize;
  /** VHDX physical sector size; default 4096. */
  physicalSectorSize?: SectorSize;
}

const DEFAULT_MKFS_ARGS = ['-q', '-F', '-E', 'lazy_itable_init=1,lazy_journal_init=1,nodiscard'] as const;

/**
 * A {@link ScratchCreator} for Linux hosts: formats a sparse raw image with `mkfs.ext4`, finds
 * its data with FIEMAP, and writes it as a dynamic VHDX with this package's own writer (no
 * qemu needed). The raw image lives next to the destination and is always removed.
 */
export function ext4VhdxScratchCreator(options: Ext4VhdxScratchOptions = {}): ScratchCreator {
  const sizeBytes = options.sizeBytes ?? DEFAULT_SCRATCH_SIZE;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 8 * 1024 ** 2 || sizeBytes % 1024 ** 2 !== 0) {
    throw new InvalidArgumentError(`scratch size ${sizeBytes} is invalid: use a multiple of 1 MiB, at least 8 MiB`);
  }
  const mkfs = options.mkfs ?? 'mkfs.ext4';
  const mkfsArgs = options.mkfsArgs ?? DEFAULT_MKFS_ARGS;
  return {
    name: 'mkfs.ext4+vhdx',
    async create(destination: string, createOptions: CreateScratchOptions = {}): Promise<void> {
      const { signal } = createOptions;
      const raw = `${destination}.${randomBytes(6).toString('hex')}.raw`;
      try {
        const handle = await open(raw, 'wx', 0o600);
        try {
          await handle.truncate(sizeBytes);
        } finally {
          await handle.close();
        }
        await runCommand(mkfs, [...mkfsArgs, raw], { ...(signal ? { signal } : {}), installHint: 'install e2fsprogs (apt-get install e2fsprogs)' });
        const ranges = await dataRanges(raw, signal ? { signal } : {});
        await writeDynamicVhdx(raw, destination, {
          ...(ranges ? { dataRanges: ranges } : {}),
          ...(signal ? { signal } : {}),
          ...(options.blockSize ? { blockSize: options.blockSize } : {}),
          ...(options.logicalSectorSize ? { logicalSectorSize: options.logicalSectorSize } : {}),
          ...(options.physicalSectorSize ? { physicalSectorSize: options.physicalSectorSize } : {}),
        });
      } finally {
        await rm(raw, { force: true });
      }
    },
  };
}
