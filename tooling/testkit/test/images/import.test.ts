import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import {
  BINARY_XATTR,
  busyboxImage,
  DEFAULT_PATH,
  DELETIONS_EXPECTED,
  deletionsImage,
  everyKindImage,
  rootTest,
  writeDockerArchive,
  writeOciArchive,
} from '@proj/testkit';
import { startContainerd, type TestContainerd } from './helpers/containerd.js';

const rtest = rootTest(test);
const run = promisify(execFile);
const containerId = () => `tk-${randomBytes(4).toString('hex')}`;

/** `ctr images ls` rows as [name, type, digest]. */
async function imageRows(containerd: TestContainerd): Promise<string[][]> {
  const lines = (await containerd.ctr('images', 'ls')).split('\n').slice(1).filter(Boolean);
  return lines.map((line) => line.split(/\s+/).slice(0, 3));
}

/** Runs `ctr run --rm <image> <id> ...command` and returns stdout. */
function ctrRun(containerd: TestContainerd, image: string, ...command: string[]): Promise<string> {
  return containerd.ctr('run', '--rm', image, containerId(), ...command);
}

rtest.serial('ctr imports the busybox OCI archive, lists it, unpacks its chain and runs echo hello', async (t) => {
  const containerd = await startContainerd(t);
  const image = busyboxImage({ name: 'docker.io/testkit/busybox:oci' });
  const archive = join(containerd.dir, 'busybox-oci.tar');
  await writeOciArchive(archive, image);

  const output = await containerd.ctr('images', 'import', archive);
  t.true(output.includes(`unpacking docker.io/testkit/busybox:oci (${image.manifest.digest})...done`), output);
  t.deepEqual(await imageRows(containerd), [['docker.io/testkit/busybox:oci', 'application/vnd.oci.image.manifest.v1+json', image.manifest.digest]]);
  t.true((await containerd.ctr('snapshots', 'ls')).includes(image.chainIds.at(-1)!));
  t.is(await ctrRun(containerd, image.name, 'echo', 'hello'), 'hello\n');
  t.is(await containerd.ctr('containers', 'ls', '-q'), '');
});

rtest.serial('ctr imports a Docker archive of two images, one multi-layer with whiteouts, and runs them', async (t) => {
  const containerd = await startContainerd(t);
  const image = deletionsImage({ name: 'docker.io/testkit/deletions:docker' });
  const plain = busyboxImage({ name: 'testkit/plain:docker' });
  const archive = join(containerd.dir, 'two-docker.tar');
  await writeDockerArchive(archive, [image, plain]);

  await containerd.ctr('images', 'import', archive);
  const rows = await imageRows(containerd);
  t.deepEqual(
    rows.map((row) => row.slice(0, 2)),
    [image.name, plain.name].map((name) => [name, 'application/vnd.docker.distribution.manifest.v2+json']),
  );
  const content = await containerd.ctr('content', 'ls');
  t.true(content.includes(image.config.digest) && content.includes(plain.config.digest), 'configs stored under the same digests');
  const snapshots = await containerd.ctr('snapshots', 'ls');
  t.true(snapshots.includes(image.chainIds.at(-1)!), 'same diff ids, same chain');
  t.is(await ctrRun(containerd, plain.name, 'echo', 'hello'), 'hello\n');
  t.is(await ctrRun(containerd, image.name, 'sh', '-c', listingScript()), expectedListing());
});

rtest.serial('whiteouts and opaque directories of an OCI archive hide what lower layers had', async (t) => {
  const containerd = await startContainerd(t);
  const image = deletionsImage({ name: 'testkit/deletions:oci' });
  const archive = join(containerd.dir, 'deletions-oci.tar');
  await writeOciArchive(archive, image);

  await containerd.ctr('images', 'import', archive);
  t.is(await ctrRun(containerd, image.name, 'sh', '-c', listingScript()), expectedListing());
});

rtest.serial('every file kind survives import: modes, owners, links, devices, xattrs; the config sets user, cwd and env', async (t) => {
  const containerd = await startContainerd(t);
  const kinds = everyKindImage({ name: 'testkit/kinds' });
  const user = busyboxImage({
    name: 'testkit/user',
    config: { User: '1000:1000', WorkingDir: '/home/user', Env: [`PATH=${DEFAULT_PATH}`, 'GREETING=hi'] },
    compression: 'none',
  });
  const archive = join(containerd.dir, 'two-images.tar');
  await writeOciArchive(archive, [kinds, user]);

  await containerd.ctr('images', 'import', archive);
  t.deepEqual((await imageRows(containerd)).map((row) => row[0]), [kinds.name, user.name]);
  t.is(user.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar', 'the second image has an uncompressed layer');

  const stat = await ctrRun(
    containerd,
    kinds.name,
    'sh',
    '-c',
    'cd /kinds && for f in biguid.txt empty fifo file.txt hardlink loop nobody.txt nomode null owned.txt private private/secret setgid setuid sticky symlink; do stat -c "%n %a %u:%g %F %h %t,%T" "$f"; done; for l in abs-symlink dangling symlink; do readlink "$l"; done; cat hardlink',
  );
  t.is(
    stat,
    [
      'biguid.txt 644 3000000:3000001 regular file 1 0,0',
      'empty 644 0:0 regular empty file 1 0,0',
      'fifo 644 0:0 fifo 1 0,0',
      'file.txt 644 0:0 regular file 2 0,0',
      'hardlink 644 0:0 regular file 2 0,0',
      'loop 660 0:0 block special file 1 7,c8',
      'nobody.txt 644 65534:65534 regular file 1 0,0',
      'nomode 0 0:0 regular file 1 0,0',
      'null 666 0:0 character special file 1 1,3',
      'owned.txt 644 1000:1000 regular file 1 0,0',
      'private 700 1000:1000 directory 2 0,0',
      'private/secret 600 1000:1000 regular file 1 0,0',
      'setgid 2755 0:0 regular file 1 0,0',
      'setuid 4755 0:0 regular file 1 0,0',
      'sticky 1777 0:0 directory 2 0,0',
      'symlink 777 0:0 symbolic link 1 0,0',
      '/etc/passwd',
      'does-not-exist',
      'file.txt',
      'hello',
      '',
    ].join('\n'),
  );

  // xattrs as containerd applied them, read from the top layer's snapshot directory.
  const snapshots = join(containerd.root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
  const found: string[] = [];
  for (const id of await readdir(snapshots)) {
    const file = join(snapshots, id, 'fs', 'kinds', 'xattr.txt');
    const script = 'import os,sys; p=sys.argv[1]; print(os.getxattr(p,"user.testkit").hex(), os.getxattr(p,"user.binary").hex(), os.getxattr(os.path.join(os.path.dirname(p),"xattr-dir"),"user.dir").hex())';
    const result = await run('python3', ['-c', script, file]).catch(() => undefined);
    if (result) found.push(result.stdout.trim());
  }
  t.deepEqual(found, [[Buffer.from('hello'), BINARY_XATTR, Buffer.from('yes')].map((v) => Buffer.from(v).toString('hex')).join(' ')]);

  t.is(await ctrRun(containerd, user.name, 'sh', '-c', 'id -u; id -g; pwd; echo $GREETING'), '1000\n1000\n/home/user\nhi\n');
});

function listingScript(): string {
  const lists = Object.keys(DELETIONS_EXPECTED.listings).map((dir) => `ls -A ${dir}`);
  const cats = Object.keys(DELETIONS_EXPECTED.files).map((file) => `cat ${file}`);
  return [...lists, ...cats].join('; ');
}

function expectedListing(): string {
  const lists = Object.values(DELETIONS_EXPECTED.listings).map((names) => names.map((name) => `${name}\n`).join(''));
  return [...lists, ...Object.values(DELETIONS_EXPECTED.files)].join('');
}
