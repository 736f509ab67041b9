// Builders for the fixed-size VHDX structures. Each returns the exact bytes to write.
import { crc32c } from './crc32c.js';
import {
  BAT_REGION_GUID,
  FILE_PARAMETERS_GUID,
  HEADER_SIZE,
  LOGICAL_SECTOR_SIZE_GUID,
  METADATA_IS_REQUIRED,
  METADATA_IS_VIRTUAL_DISK,
  METADATA_REGION_GUID,
  METADATA_TABLE_SIZE,
  PHYSICAL_SECTOR_SIZE_GUID,
  REGION_TABLE_SIZE,
  VIRTUAL_DISK_ID_GUID,
  VIRTUAL_DISK_SIZE_GUID,
} from './format.js';
import { guidBytes } from './guid.js';
import type { VhdxLayout } from './layout.js';

/** The 64 KiB file type identifier: the `vhdxfile` signature and a UTF-16 creator string. */
export function fileIdentifier(creator: string): Buffer {
  const out = Buffer.alloc(64 * 1024);
  out.write('vhdxfile', 0, 'ascii');
  out.write(creator.slice(0, 255), 8, 'utf16le');
  return out;
}

/** Fields of one of the two headers. */
export interface HeaderFields {
  sequenceNumber: bigint;
  fileWriteGuid: Buffer;
  dataWriteGuid: Buffer;
}

/** A 4 KiB header (`head`): no active log (zero log GUID), version 1, with its CRC-32C. */
export function header(layout: VhdxLayout, fields: HeaderFields): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  out.write('head', 0, 'ascii');
  out.writeBigUInt64LE(fields.sequenceNumber, 8);
  fields.fileWriteGuid.copy(out, 16);
  fields.dataWriteGuid.copy(out, 32);
  // log GUID (48..64) stays zero: there is nothing to replay.
  out.writeUInt16LE(0, 64); // log version
  out.writeUInt16LE(1, 66); // file format version
  out.writeUInt32LE(layout.logLength, 68);
  out.writeBigUInt64LE(BigInt(layout.logOffset), 72);
  out.writeUInt32LE(crc32c(out), 4);
  return out;
}

/** The 64 KiB region table (`regi`) naming the BAT and metadata regions, both required. */
export function regionTable(layout: VhdxLayout): Buffer {
  const out = Buffer.alloc(REGION_TABLE_SIZE);
  out.write('regi', 0, 'ascii');
  const regions = [
    { guid: BAT_REGION_GUID, offset: layout.batOffset, length: layout.batLength },
    { guid: METADATA_REGION_GUID, offset: layout.metadataOffset, length: layout.metadataLength },
  ];
  out.writeUInt32LE(regions.length, 8);
  regions.forEach((region, index) => {
    const at = 16 + index * 32;
    guidBytes(region.guid).copy(out, at);
    out.writeBigUInt64LE(BigInt(region.offset), at + 16);
    out.writeUInt32LE(region.length, at + 24);
    out.writeUInt32LE(1, at + 28); // required
  });
  out.writeUInt32LE(crc32c(out), 4);
  return out;
}

/** The metadata region's used part: the table and the five required items after it. */
export function metadataRegion(layout: VhdxLayout, virtualDiskId: Buffer): Buffer {
  const fileParameters = Buffer.alloc(8);
  fileParameters.writeUInt32LE(layout.blockSize, 0); // flags (leave allocated, has parent) stay 0
  const virtualSize = Buffer.alloc(8);
  virtualSize.writeBigUInt64LE(BigInt(layout.virtualSize), 0);
  const logical = Buffer.alloc(4);
  logical.writeUInt32LE(layout.logicalSectorSize, 0);
  const physical = Buffer.alloc(4);
  physical.writeUInt32LE(layout.physicalSectorSize, 0);
  const disk = METADATA_IS_VIRTUAL_DISK | METADATA_IS_REQUIRED;
  const items = [
    { guid: FILE_PARAMETERS_GUID, data: fileParameters, flags: METADATA_IS_REQUIRED },
    { guid: VIRTUAL_DISK_SIZE_GUID, data: virtualSize, flags: disk },
    { guid: VIRTUAL_DISK_ID_GUID, data: virtualDiskId, flags: disk },
    { guid: LOGICAL_SECTOR_SIZE_GUID, data: logical, flags: disk },
    { guid: PHYSICAL_SECTOR_SIZE_GUID, data: physical, flags: disk },
  ];
  const out = Buffer.alloc(METADATA_TABLE_SIZE + 4096);
  out.write('metadata', 0, 'ascii');
  out.writeUInt16LE(items.length, 10);
  let itemOffset = METADATA_TABLE_SIZE;
  items.forEach((item, index) => {
    const at = 32 + index * 32;
    guidBytes(item.guid).copy(out, at);
    out.writeUInt32LE(itemOffset, at + 16);
    out.writeUInt32LE(item.data.length, at + 20);
    out.writeUInt32LE(item.flags, at + 24);
    item.data.copy(out, itemOffset);
    itemOffset += item.data.length;
  });
  return out;
}
