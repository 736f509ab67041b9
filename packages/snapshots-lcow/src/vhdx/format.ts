// The fixed facts of the VHDX format (MS-VHDX v1): offsets, signatures, GUIDs and block states.

/** One mebibyte: VHDX aligns regions, the log and payload blocks to it. */
export const MiB = 1024 * 1024;

/** Byte offsets of the structures in the first megabyte of every VHDX file. */
export const FILE_IDENTIFIER_OFFSET = 0;
export const HEADER1_OFFSET = 64 * 1024;
export const HEADER2_OFFSET = 128 * 1024;
export const REGION_TABLE1_OFFSET = 192 * 1024;
export const REGION_TABLE2_OFFSET = 256 * 1024;

/** The header checksum covers 4 KiB; the region table checksum covers 64 KiB. */
export const HEADER_SIZE = 4 * 1024;
export const REGION_TABLE_SIZE = 64 * 1024;
/** The metadata table occupies the first 64 KiB of the metadata region; items follow it. */
export const METADATA_TABLE_SIZE = 64 * 1024;

/** Region GUIDs (region table entries). */
export const BAT_REGION_GUID = '2DC27766-F623-4200-9D64-115E9BFD4A08';
export const METADATA_REGION_GUID = '8B7CA206-4790-4B9A-B8FE-575F050F886E';

/** Metadata item GUIDs. */
export const FILE_PARAMETERS_GUID = 'CAA16737-FA36-4D43-B3B6-33F0AA44E76B';
export const VIRTUAL_DISK_SIZE_GUID = '2FA54224-CD1B-4876-B211-5DBED83BF4B8';
export const VIRTUAL_DISK_ID_GUID = 'BECA12AB-B2E6-4523-93EF-C309E000C746';
export const LOGICAL_SECTOR_SIZE_GUID = '8141BF1D-A96F-4709-BA47-F233A8FAAB5F';
export const PHYSICAL_SECTOR_SIZE_GUID = 'CDA348C7-445D-4471-9CC9-E9885251C556';

/** Metadata table entry flags. */
export const METADATA_IS_VIRTUAL_DISK = 0x2;
export const METADATA_IS_REQUIRED = 0x4;

/** BAT entry states of payload blocks (the low 3 bits of an entry). */
export const PAYLOAD_BLOCK_NOT_PRESENT = 0;
export const PAYLOAD_BLOCK_FULLY_PRESENT = 6;

/** The most sectors one sector-bitmap block describes (2^23); fixes the chunk ratio. */
export const MAX_SECTORS_PER_BITMAP = 2 ** 23;

/** The largest virtual disk VHDX allows (64 TiB). */
export const MAX_VIRTUAL_SIZE = 64 * 1024 ** 4;
