import { randomUUID } from 'node:crypto';

/**
 * Encodes a GUID string (`2DC27766-F623-4200-9D64-115E9BFD4A08`) in Microsoft's on-disk layout:
 * the first three groups little-endian, the last eight bytes as written.
 */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`"${guid}" is not a GUID`);
  const out = Buffer.alloc(16);
  out.writeUInt32LE(Number.parseInt(hex.slice(0, 8), 16), 0);
  out.writeUInt16LE(Number.parseInt(hex.slice(8, 12), 16), 4);
  out.writeUInt16LE(Number.parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(out, 8);
  return out;
}

/** Decodes 16 bytes in Microsoft's GUID layout back to the upper-case string form. */
export function guidString(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, 16);
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const tail = b.subarray(8).toString('hex');
  return [hex(b.readUInt32LE(0), 8), hex(b.readUInt16LE(4), 4), hex(b.readUInt16LE(6), 4), tail.slice(0, 4), tail.slice(4)]
    .join('-')
    .toUpperCase();
}

/** A fresh random GUID in on-disk layout. */
export function randomGuid(): Buffer {
  return guidBytes(randomUUID());
}
