import { open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isInvalidArgument, isNotFound } from '@proj/errdefs';
import { crc32c, vhdxLayout, writeDynamicVhdx } from '@proj/snapshots-lcow';
import { tempRoot } from '@proj/testkit';
import { qemuImgCheck, qemuImgInfo, qemuImgSame } from './helpers/qemu.js';

const MiB = 1024 * 1024;

async function sparseImage(path: string, size: number, writes: Array<[offset: number, data: Buffer]>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.truncate(size);
    for (const [offset, data] of writes) await handle.write(data, 0, data.length, offset);
  } finally {
    await handle.close();
  }
}

test('crc32c matches the Castagnoli check value', (t) => {
  t.is(crc32c(Buffer.from('123456789')), 0xe3069283);
  t.is(crc32c(Buffer.alloc(0)), 0);
});

test('layout: 1 MiB blocks of 512-byte sectors interleave a bitmap entry every 4096 blocks', (t) => {
  const layout = vhdxLayout(8 * 1024 * MiB);
  t.is(layout.chunkRatio, 4096);
  t.is(layout.payloadBlocks, 8192);
  t.is(layout.batEntries, 8193);
  t.is(layout.logOffset, MiB);
  t.is(layout.metadataOffset, 2 * MiB);
  t.is(layout.batOffset, 3 * MiB);
  t.is(layout.firstPayloadOffset, 4 * MiB);
  t.is(vhdxLayout(64 * MiB, { logicalSectorSize: 4096, blockSize: 32 * MiB }).chunkRatio, 1024);
});

test('layout: bad block size, sector size or disk size is InvalidArgument', (t) => {
  t.true(isInvalidArgument(t.throws(() => vhdxLayout(64 * MiB, { blockSize: 3 * MiB }))));
  t.true(isInvalidArgument(t.throws(() => vhdxLayout(64 * MiB, { blockSize: 512 * 1024 }))));
  t.true(isInvalidArgument(t.throws(() => vhdxLayout(64 * MiB, { logicalSectorSize: 1024 as 512 }))));
  t.true(isInvalidArgument(t.throws(() => vhdxLayout(1000))));
  t.true(isInvalidArgument(t.throws(() => vhdxLayout(0))));
});

test('writes a VHDX that qemu-img reads as the same disk, storing only non-zero blocks', async (t) => {
  const dir = await tempRoot(t);
  const raw = join(dir, 'disk.raw');
  const vhdx = join(dir, 'disk.vhdx');
  await sparseImage(raw, 64 * MiB, [
    [0, Buffer.from('boot sector')],
    [5 * MiB + 123, Buffer.alloc(3 * MiB, 0xab)], // spans blocks 5..8
    [64 * MiB - 4, Buffer.from('end!')],
  ]);
  const result = await writeDynamicVhdx(raw, vhdx);
  t.is(result.virtualSize, 64 * MiB);
  t.is(result.presentBlocks, 6); // blocks 0, 5, 6, 7, 8, 63
  t.is(result.fileSize, 4 * MiB + 6 * MiB);
  t.is((await stat(vhdx)).size, result.fileSize);
  const info = await qemuImgInfo(vhdx);
  t.is(info.format, 'vhdx');
  t.is(info['virtual-size'], 64 * MiB);
  t.regex(await qemuImgCheck(vhdx), /No errors were found/);
  t.true(await qemuImgSame(raw, vhdx));
});

test('data ranges limit what is read, and blocks past a chunk boundary land after the bitmap entry', async (t) => {
  const dir = await tempRoot(t);
  const raw = join(dir, 'big.raw');
  const vhdx = join(dir, 'big.vhdx');
  const far = 4 * 1024 * MiB + 7 * MiB; // block 4103: BAT index 4104 (after the first bitmap entry)
  await sparseImage(raw, 4 * 1024 * MiB + 8 * MiB, [
    [MiB, Buffer.from('first')],
    [far, Buffer.from('past the first chunk')],
  ]);
  const result = await writeDynamicVhdx(raw, vhdx, {
    dataRanges: [
      { offset: MiB, length: 4096 },
      { offset: far, length: 4096 },
    ],
  });
  t.is(result.presentBlocks, 2);
  t.is((await qemuImgInfo(vhdx))['virtual-size'], 4 * 1024 * MiB + 8 * MiB);
  t.true(await qemuImgSame(raw, vhdx));
});

test('32 MiB blocks and 512-byte physical sectors are valid too (qemu reads only 512-byte logical sectors)', async (t) => {
  const dir = await tempRoot(t);
  const raw = join(dir, 'disk.raw');
  const vhdx = join(dir, 'disk.vhdx');
  await sparseImage(raw, 96 * MiB, [[40 * MiB, Buffer.from('x')]]);
  const result = await writeDynamicVhdx(raw, vhdx, { physicalSectorSize: 512, blockSize: 32 * MiB });
  t.is(result.presentBlocks, 1);
  t.regex(await qemuImgCheck(vhdx), /No errors were found/);
  t.true(await qemuImgSame(raw, vhdx));
});

test('an all-zero image gives a VHDX with no payload blocks', async (t) => {
  const dir = await tempRoot(t);
  const raw = join(dir, 'zero.raw');
  const vhdx = join(dir, 'zero.vhdx');
  await sparseImage(raw, 16 * MiB, []);
  const result = await writeDynamicVhdx(raw, vhdx);
  t.is(result.presentBlocks, 0);
  t.is(result.fileSize, 4 * MiB);
  t.true(await qemuImgSame(raw, vhdx));
});

test('missing input is NotFound; an existing output or odd-sized input is InvalidArgument', async (t) => {
  const dir = await tempRoot(t);
  const raw = join(dir, 'disk.raw');
  t.true(isNotFound(await t.throwsAsync(writeDynamicVhdx(join(dir, 'nope.raw'), join(dir, 'out.vhdx')))));
  await sparseImage(raw, 16 * MiB, []);
  await writeFile(join(dir, 'taken.vhdx'), 'x');
  t.true(isInvalidArgument(await t.throwsAsync(writeDynamicVhdx(raw, join(dir, 'taken.vhdx')))));
  await sparseImage(join(dir, 'odd.raw'), 1000, []);
  t.true(isInvalidArgument(await t.throwsAsync(writeDynamicVhdx(join(dir, 'odd.raw'), join(dir, 'odd.vhdx')))));
});
