import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { isInvalidArgument, isNotFound, isNotImplemented, isUnknown } from '@proj/errdefs';
import {
  DEFAULT_SCRATCH_SIZE,
  defaultScratchCreator,
  ext4VhdxScratchCreator,
  parseFilefrag,
  runhcsScratchArgs,
  runhcsScratchCreator,
} from '@proj/snapshots-lcow';
import { tempRoot } from '@proj/testkit';
import { e2fsck, qemuImgCheck, qemuImgInfo, qemuImgToRaw } from './helpers/qemu.js';

const fakeRunhcs = fileURLToPath(new URL('fixtures/fake-runhcs.sh', import.meta.url));

test('ext4 creator: a 20 GiB scratch that qemu-img calls a valid vhdx holding a clean ext4', async (t) => {
  const dir = await tempRoot(t);
  const scratch = join(dir, 'scratch.vhdx');
  await ext4VhdxScratchCreator().create(scratch);
  const info = await qemuImgInfo(scratch);
  t.is(info.format, 'vhdx');
  t.is(info['virtual-size'], DEFAULT_SCRATCH_SIZE);
  t.regex(await qemuImgCheck(scratch), /No errors were found/);
  const { size } = await stat(scratch);
  t.true(size < 64 * 1024 * 1024, `a fresh 20 GiB scratch should be small, is ${size} bytes`);
  t.deepEqual(await readdir(dir), ['scratch.vhdx'], 'the raw image is removed');
});

test('ext4 creator: the filesystem inside survives e2fsck', async (t) => {
  const dir = await tempRoot(t);
  const scratch = join(dir, 'small.vhdx');
  await ext4VhdxScratchCreator({ sizeBytes: 128 * 1024 * 1024 }).create(scratch);
  t.is((await qemuImgInfo(scratch))['virtual-size'], 128 * 1024 * 1024);
  const raw = join(dir, 'back.raw');
  await qemuImgToRaw(scratch, raw);
  t.regex(await e2fsck(raw), /11\/\d+ files/); // the 11 inodes of an empty ext4
  const superblock = Buffer.alloc(2);
  const handle = await import('node:fs/promises').then((fs) => fs.open(raw, 'r'));
  await handle.read(superblock, 0, 2, 1024 + 0x38);
  await handle.close();
  t.is(superblock.readUInt16LE(0), 0xef53, 'ext2/3/4 superblock magic');
});

test('ext4 creator: bad sizes are InvalidArgument; a missing mkfs is NotFound naming e2fsprogs', async (t) => {
  t.true(isInvalidArgument(t.throws(() => ext4VhdxScratchCreator({ sizeBytes: 1000 }))));
  t.true(isInvalidArgument(t.throws(() => ext4VhdxScratchCreator({ sizeBytes: 1024 * 1024 }))));
  const dir = await tempRoot(t);
  const error = await t.throwsAsync(ext4VhdxScratchCreator({ sizeBytes: 16 * 1024 * 1024, mkfs: 'no-such-mkfs' }).create(join(dir, 's.vhdx')));
  t.true(isNotFound(error));
  t.regex(error?.message ?? '', /e2fsprogs/);
  t.deepEqual(await readdir(dir), [], 'nothing is left behind');
});

test('filefrag output parses into byte ranges; no extent table means unknown', (t) => {
  const output = [
    'Filesystem type is: ef53',
    'File size of x is 21474836480 (20971520 blocks of 1024 bytes)',
    ' ext:     logical_offset:        physical_offset: length:   expected: flags:',
    '   0:        0..    4115:   23412736..  23416851:   4116:            ',
    '   1:     4176..    4179:   23416912..  23416915:      4:            ',
    '  26: 20971456..20971519:   23354560..  23354623:     64:   25681856: last,unwritten,eof',
    'x: 3 extents found',
  ].join('\n');
  t.deepEqual(parseFilefrag(output, 1024), [
    { offset: 0, length: 4116 * 1024 },
    { offset: 4176 * 1024, length: 4 * 1024 },
    { offset: 20971456 * 1024, length: 64 * 1024 },
  ]);
  t.is(parseFilefrag('Filesystem type is: 1021994\nx: FIBMAP/FIEMAP unsupported\n', 1024), undefined);
});

test('runhcs creator: the go-runhcs command line', (t) => {
  t.deepEqual(runhcsScratchArgs('C:\\root\\scratch-1-tmp.vhdx', { logPath: '/root/runhcs-scratch.log' }), [
    '--debug',
    '--log',
    '/root/runhcs-scratch.log',
    '--log-format',
    'json',
    '--owner',
    'containerd',
    'create-scratch',
    '--destpath',
    'C:\\root\\scratch-1-tmp.vhdx',
  ]);
  t.deepEqual(runhcsScratchArgs('d', { debug: false, sizeGB: 30, owner: 'proj' }).slice(0), [
    '--log-format',
    'json',
    '--owner',
    'proj',
    'create-scratch',
    '--destpath',
    'd',
    '--sizeGB',
    '30',
  ]);
  t.true(isInvalidArgument(t.throws(() => runhcsScratchArgs('d', { sizeGB: -1 }))));
});

test('runhcs creator: runs runhcs, and on failure reports its output and removes the file', async (t) => {
  const dir = await tempRoot(t);
  const argsFile = join(dir, 'args');
  process.env.FAKE_RUNHCS_ARGS = argsFile;
  t.teardown(() => {
    delete process.env.FAKE_RUNHCS_ARGS;
    delete process.env.FAKE_RUNHCS_FAIL;
  });
  const destination = join(dir, 'scratch.vhdx');
  await runhcsScratchCreator({ runhcs: fakeRunhcs }).create(destination);
  t.is(await readFile(destination, 'utf8'), 'vhdxfile');
  t.true((await readFile(argsFile, 'utf8')).includes(`create-scratch\n--destpath\n${destination}\n`));

  process.env.FAKE_RUNHCS_FAIL = '1';
  const failed = join(dir, 'failed.vhdx');
  const error = await t.throwsAsync(runhcsScratchCreator({ runhcs: fakeRunhcs }).create(failed));
  t.true(isUnknown(error));
  t.regex(error?.message ?? '', /cannot start utility VM/);
  await t.throwsAsync(stat(failed), { code: 'ENOENT' });

  const missing = await t.throwsAsync(runhcsScratchCreator({ runhcs: join(dir, 'runhcs.exe') }).create(join(dir, 'x.vhdx')));
  t.true(isNotFound(missing));
});

test('default creator: runhcs on Windows, ext4 on Linux, NotImplemented elsewhere', async (t) => {
  t.is(defaultScratchCreator('/r', 'win32').name, 'runhcs create-scratch');
  t.is(defaultScratchCreator('/r', 'linux').name, 'mkfs.ext4+vhdx');
  t.true(isNotImplemented(await t.throwsAsync(defaultScratchCreator('/r', 'aix').create('/r/x'))));
});
