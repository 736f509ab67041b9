import { open, rm } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError, UnknownError } from '@proj/errdefs';
import { PAYLOAD_BLOCK_FULLY_PRESENT, FILE_IDENTIFIER_OFFSET, HEADER1_OFFSET, HEADER2_OFFSET, MiB, REGION_TABLE1_OFFSET, REGION_TABLE2_OFFSET } from './format.js';
import { randomGuid } from './guid.js';
import { batIndexOf, vhdxLayout, type VhdxLayoutOptions } from './layout.js';
import { fileIdentifier, header, metadataRegion, regionTable } from './structures.js';

/** A byte range of the source image that may hold data; everything outside is known to be zero. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** Options for {@link writeDynamicVhdx}. */
export interface WriteVhdxOptions extends VhdxLayoutOptions {
  /** Diagnostic creator string stored in the file identifier; default `@proj/snapshots-lcow`. */
  creator?: string;
  /**
   * The ranges of the raw image that may hold data (from FIEMAP, for instance). Without it
   * every block of the image is read and zero blocks are left out.
   */
  dataRanges?: readonly ByteRange[];
  /** Cancels the conversion; the half-written output is removed. */
  signal?: AbortSignal;
}

/** What {@link writeDynamicVhdx} wrote. */
export interface WriteVhdxResult {
  /** Size of the virtual disk (the raw image size). */
  readonly virtualSize: number;
  readonly blockSize: number;
  /** Payload blocks stored in the file (blocks that are not all zero). */
  readonly presentBlocks: number;
  /** Size of the VHDX file in bytes. */
  readonly fileSize: number;
}

/**
 * Converts a raw disk image into a dynamic VHDX at `vhdxPath` (which must not exist). Only
 * payload blocks that contain a non-zero byte are stored, packed one after another behind the
 * BAT, so the file's size is what it holds. Every other block is "not present", which reads
 * as zeros in a disk without a parent. The log is empty (zero log GUID).
 */
export async function writeDynamicVhdx(rawPath: string, vhdxPath: string, options: WriteVhdxOptions = {}): Promise<WriteVhdxResult> {
  const raw = await open(rawPath, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotFoundError(`raw image ${rawPath} does not exist: create it first`, { cause: error });
    throw error;
  });
  try {
    const { size } = await raw.stat();
    const layout = vhdxLayout(size, options);
    const candidates = candidateBlocks(options.dataRanges, layout.blockSize, layout.payloadBlocks);
    const out = await open(vhdxPath, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw new InvalidArgumentError(`${vhdxPath} exists already: write the VHDX to a new path`, { cause: error });
      throw error;
    });
    try {
      const bat = Buffer.alloc(layout.batLength);
      const block = Buffer.alloc(layout.blockSize);
      const zero = Buffer.alloc(layout.blockSize);
      let next = layout.firstPayloadOffset;
      let presentBlocks = 0;
      for (const index of candidates) {
        options.signal?.throwIfAborted();
        block.fill(0);
        await readFully(raw, block, index * layout.blockSize);
        if (block.equals(zero)) continue;
        await writeFully(out, block, next);
        const entry = (BigInt(next / MiB) << 20n) | BigInt(PAYLOAD_BLOCK_FULLY_PRESENT);
        bat.writeBigUInt64LE(entry, batIndexOf(layout, index) * 8);
        next += layout.blockSize;
        presentBlocks++;
      }
      const guid = randomGuid();
      const headerFields = { fileWriteGuid: randomGuid(), dataWriteGuid: randomGuid() };
      await writeFully(out, fileIdentifier(options.creator ?? '@proj/snapshots-lcow'), FILE_IDENTIFIER_OFFSET);
      await writeFully(out, header(layout, { ...headerFields, sequenceNumber: 1n }), HEADER1_OFFSET);
      await writeFully(out, header(layout, { ...headerFields, sequenceNumber: 2n }), HEADER2_OFFSET);
      await writeFully(out, regionTable(layout), REGION_TABLE1_OFFSET);
      await writeFully(out, regionTable(layout), REGION_TABLE2_OFFSET);
      const metadata = Buffer.alloc(layout.metadataLength);
      metadataRegion(layout, guid).copy(metadata);
      await writeFully(out, metadata, layout.metadataOffset);
      await writeFully(out, bat, layout.batOffset);
      // The log region stays a hole (reads as zeros: no entries); extend the file over it.
      await out.truncate(next);
      await out.sync();
      return { virtualSize: size, blockSize: layout.blockSize, presentBlocks, fileSize: next };
    } catch (error) {
      await out.close().catch(() => undefined);
      await rm(vhdxPath, { force: true });
      throw error;
    } finally {
      await out.close().catch(() => undefined);
    }
  } finally {
    await raw.close();
  }
}

/** Block indexes that the data ranges touch, ascending; every block when no ranges are given. */
function candidateBlocks(ranges: readonly ByteRange[] | undefined, blockSize: number, payloadBlocks: number): number[] {
  if (!ranges) return Array.from({ length: payloadBlocks }, (_, index) => index);
  const blocks = new Set<number>();
  for (const range of ranges) {
    if (range.length <= 0) continue;
    const first = Math.floor(range.offset / blockSize);
    const last = Math.min(payloadBlocks - 1, Math.floor((range.offset + range.length - 1) / blockSize));
    for (let index = first; index <= last; index++) blocks.add(index);
  }
  return [...blocks].sort((a, b) => a - b);
}

type Handle = Awaited<ReturnType<typeof open>>;

async function readFully(handle: Handle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) return; // past the end of the image: the rest stays zero
    done += bytesRead;
  }
}

async function writeFully(handle: Handle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
    if (bytesWritten === 0) throw new UnknownError(`short write at offset ${position + done} of a VHDX file`);
    done += bytesWritten;
  }
}
