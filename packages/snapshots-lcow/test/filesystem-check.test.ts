import test from 'ava';
import { checkRootFilesystem, volumeFilesystem } from '@proj/snapshots-lcow';

test('the NTFS check does nothing off Windows', async (t) => {
  await t.notThrowsAsync(checkRootFilesystem('/tmp', 'linux'));
  await t.notThrowsAsync(checkRootFilesystem('/tmp', 'darwin'));
});

test('fsutil volumeinfo output gives the filesystem name', (t) => {
  const output = 'Volume Name : \r\nVolume Serial Number : 0x1234\r\nMax Component Length : 255\r\nFile System Name : NTFS\r\nIs ReadWrite\r\n';
  t.is(volumeFilesystem(output), 'NTFS');
  t.is(volumeFilesystem('File System Name : ReFS\n'), 'ReFS');
  t.is(volumeFilesystem('nothing'), undefined);
});
