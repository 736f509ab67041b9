/**
 * containerd's LCOW (Linux containers on Windows) snapshotter, in TypeScript.
 *
 * Every snapshot is a directory. An active snapshot holds `sandbox.vhdx`, a copy of one cached
 * `scratch.vhdx` (an empty ext4 filesystem in a dynamic VHDX) made once per root; views get no
 * scratch. Mounts are of type `lcow-layer` with a `parentLayerPaths=[...]` option listing the
 * parent layer directories, for a utility VM to assemble. The scratch creator is pluggable:
 * `runhcs create-scratch` on Windows, `mkfs.ext4` plus this package's own VHDX writer on Linux.
 *
 * @packageDocumentation
 */
export { lcowLayerMounts, parentLayerPaths, LCOW_LAYER_MOUNT_TYPE, PARENT_LAYER_PATHS_FLAG, type LcowMountSource } from './mounts.js';
export type { ScratchCreator, CreateScratchOptions } from './scratch/creator.js';
export { ext4VhdxScratchCreator, DEFAULT_SCRATCH_SIZE, type Ext4VhdxScratchOptions } from './scratch/ext4-vhdx.js';
export { runhcsScratchCreator, runhcsScratchArgs, type RunhcsScratchOptions } from './scratch/runhcs.js';
export { defaultScratchCreator } from './scratch/default-creator.js';
export { ScratchCache, SCRATCH_FILE, SCRATCH_LOCK_FILE } from './scratch/cache.js';
export { lockFile, type HeldLock, type LockFileOptions } from './scratch/file-lock.js';
export { parseFilefrag, dataRanges } from './scratch/extents.js';
export { checkRootFilesystem, volumeFilesystem } from './filesystem-check.js';
export { writeDynamicVhdx, type WriteVhdxOptions, type WriteVhdxResult, type ByteRange } from './vhdx/writer.js';
export { vhdxLayout, type VhdxLayout, type VhdxLayoutOptions, type SectorSize } from './vhdx/layout.js';
export { crc32c } from './vhdx/crc32c.js';
export { sparseCopy } from './scratch/sparse-copy.js';
export { createLcowSnapshotter, LcowSnapshotter, SANDBOX_FILE, type LcowSnapshotterOptions } from './snapshotter.js';
