import { InvalidArgumentError } from '@proj/errdefs';
import { MAX_SECTORS_PER_BITMAP, MAX_VIRTUAL_SIZE, MiB } from './format.js';

/** Sector sizes a VHDX may declare. */
export type SectorSize = 512 | 4096;

/** Where everything goes in a dynamic VHDX written by this package. */
export interface VhdxLayout {
  /** Size of the virtual disk in bytes. */
  readonly virtualSize: number;
  /** Payload block size in bytes (a power of two from 1 MiB to 256 MiB). */
  readonly blockSize: number;
  readonly logicalSectorSize: SectorSize;
  readonly physicalSectorSize: SectorSize;
  /** Payload blocks per sector-bitmap block. */
  readonly chunkRatio: number;
  /** Number of payload blocks that cover the virtual disk. */
  readonly payloadBlocks: number;
  /** Number of 8-byte BAT entries (payload entries interleaved with sector-bitmap entries). */
  readonly batEntries: number;
  readonly logOffset: number;
  readonly logLength: number;
  readonly metadataOffset: number;
  readonly metadataLength: number;
  readonly batOffset: number;
  readonly batLength: number;
  /** Where the first payload block goes; every block after it is `blockSize` further. */
  readonly firstPayloadOffset: number;
}

/** Options that shape the layout. */
export interface VhdxLayoutOptions {
  /** Payload block size; default 1 MiB (the size Microsoft recommends for ext4 in VHDX). */
  blockSize?: number;
  /** Logical sector size seen by the guest; default 512. */
  logicalSectorSize?: SectorSize;
  /** Physical sector size reported to the guest; default 4096. */
  physicalSectorSize?: SectorSize;
}

const roundUp = (value: number, unit: number) => Math.ceil(value / unit) * unit;

/**
 * Computes the layout of a dynamic (not differencing) VHDX: headers and region tables in the
 * first MiB, a 1 MiB log, a 1 MiB metadata region, the BAT, then payload blocks.
 */
export function vhdxLayout(virtualSize: number, options: VhdxLayoutOptions = {}): VhdxLayout {
  const blockSize = options.blockSize ?? MiB;
  const logicalSectorSize = options.logicalSectorSize ?? 512;
  const physicalSectorSize = options.physicalSectorSize ?? 4096;
  if (!Number.isInteger(blockSize) || blockSize < MiB || blockSize > 256 * MiB || (blockSize & (blockSize - 1)) !== 0) {
    throw new InvalidArgumentError(`VHDX block size ${blockSize} is invalid: use a power of two from 1 MiB to 256 MiB`);
  }
  for (const [name, value] of [['logical', logicalSectorSize], ['physical', physicalSectorSize]] as const) {
    if (value !== 512 && value !== 4096) {
      throw new InvalidArgumentError(`VHDX ${name} sector size ${String(value)} is invalid: use 512 or 4096`);
    }
  }
  if (!Number.isSafeInteger(virtualSize) || virtualSize <= 0 || virtualSize > MAX_VIRTUAL_SIZE || virtualSize % logicalSectorSize !== 0) {
    throw new InvalidArgumentError(
      `VHDX virtual size ${virtualSize} is invalid: use a positive multiple of the ${logicalSectorSize}-byte sector, at most 64 TiB`,
    );
  }
  const chunkRatio = (MAX_SECTORS_PER_BITMAP * logicalSectorSize) / blockSize;
  const payloadBlocks = Math.ceil(virtualSize / blockSize);
  const batEntries = payloadBlocks + Math.floor((payloadBlocks - 1) / chunkRatio);
  const logOffset = MiB;
  const logLength = MiB;
  const metadataOffset = logOffset + logLength;
  const metadataLength = MiB;
  const batOffset = metadataOffset + metadataLength;
  const batLength = roundUp(batEntries * 8, MiB);
  return {
    virtualSize,
    blockSize,
    logicalSectorSize,
    physicalSectorSize,
    chunkRatio,
    payloadBlocks,
    batEntries,
    logOffset,
    logLength,
    metadataOffset,
    metadataLength,
    batOffset,
    batLength,
    firstPayloadOffset: batOffset + batLength,
  };
}

/** The BAT index of payload block `block`: a sector-bitmap entry follows every `chunkRatio` payload entries. */
export function batIndexOf(layout: VhdxLayout, block: number): number {
  return block + Math.floor(block / layout.chunkRatio);
}
