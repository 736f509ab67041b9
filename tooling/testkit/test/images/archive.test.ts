import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import {
  busyboxImage,
  chainIds,
  deletionsImage,
  dockerArchive,
  everyKindImage,
  hostArchitecture,
  normalizeImageName,
  ociArchive,
  sha256Digest,
  type BuiltImage,
} from '@proj/testkit';
import { gnuTarList, membersByName, readTar } from './helpers/read-tar.js';

const sha = (hexData: string) => `sha256:${createHash('sha256').update(Buffer.from(hexData, 'hex')).digest('hex')}`;
const json = (hexData: string): unknown => JSON.parse(Buffer.from(hexData, 'hex').toString('utf8'));

interface Manifest {
  mediaType: string;
  config: { digest: string; mediaType: string };
  layers: Array<{ digest: string; size: number; mediaType: string }>;
}
interface Config {
  architecture: string;
  os: string;
  config: Record<string, unknown>;
  rootfs: { type: string; diff_ids: string[] };
  history: Array<{ created_by: string }>;
}

test('an OCI archive holds oci-layout, an annotated index.json and every blob under its digest', (t) => {
  const image = busyboxImage({ name: 'busybox' });
  const members = membersByName(ociArchive(image));
  t.deepEqual(json(members.get('oci-layout')!.content), { imageLayoutVersion: '1.0.0' });
  const index = json(members.get('index.json')!.content) as { manifests: Array<Record<string, unknown>> };
  t.deepEqual(index.manifests, [
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.manifest.digest,
      size: image.manifest.size,
      annotations: { 'io.containerd.image.name': 'docker.io/library/busybox:latest', 'org.opencontainers.image.ref.name': 'latest' },
      platform: { architecture: hostArchitecture(), os: 'linux' },
    },
  ]);
  const blobs = [...members.values()].filter((m) => m.name.startsWith('blobs/sha256/') && m.type === 'file');
  t.is(blobs.length, 3);
  for (const blob of blobs) t.is(sha(blob.content), `sha256:${blob.name.slice('blobs/sha256/'.length)}`);

  const blob = (digest: string) => members.get(`blobs/sha256/${digest.slice(7)}`)!.content;
  const manifest = json(blob(image.manifest.digest)) as Manifest;
  t.is(manifest.config.digest, image.config.digest);
  t.is(manifest.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const config = json(blob(manifest.config.digest)) as Config;
  t.deepEqual(config.config, { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], WorkingDir: '/' });
  t.is(config.os, 'linux');
  t.is(config.rootfs.type, 'layers');
  t.is(config.history.length, 1);
  const tar = gunzipSync(Buffer.from(blob(manifest.layers[0]!.digest), 'hex'));
  t.deepEqual(config.rootfs.diff_ids, [sha256Digest(tar)]);
  t.deepEqual(image.diffIds, config.rootfs.diff_ids);
});

test('GNU tar lists both archive formats', (t) => {
  const image = busyboxImage({ name: 'busybox' });
  const names = (archive: Buffer) => gnuTarList(archive).map((line) => line.split(/\s+/).at(-1));
  t.deepEqual(names(ociArchive(image)), [
    'oci-layout',
    'index.json',
    'blobs/',
    'blobs/sha256/',
    ...[image.manifest, image.config, image.layers[0]!].map((blob) => `blobs/sha256/${blob.digest.slice(7)}`),
  ]);
  const layerDir = image.diffIds[0]!.slice(7);
  t.deepEqual(names(dockerArchive(image)), [
    `${image.config.digest.slice(7)}.json`,
    `${layerDir}/`,
    `${layerDir}/VERSION`,
    `${layerDir}/layer.tar`,
    'manifest.json',
    'repositories',
  ]);
});

test('the busybox layer has the binary, applet symlinks, passwd, group and a sticky /tmp', (t) => {
  const image = busyboxImage({ name: 'busybox', compression: 'none' });
  const layer = membersByName(image.layers[0]!.tar);
  t.is(layer.get('bin/busybox')?.mode, 0o755);
  for (const applet of ['sh', 'echo', 'cat', 'ls', 'sleep', 'true', 'false', 'env', 'id']) {
    t.like(layer.get(`bin/${applet}`), { type: 'symlink', linkname: 'busybox' }, applet);
  }
  t.regex(Buffer.from(layer.get('etc/passwd')!.content, 'hex').toString(), /^root:x:0:0:/);
  t.regex(Buffer.from(layer.get('etc/group')!.content, 'hex').toString(), /^root:x:0:/);
  t.like(layer.get('tmp'), { type: 'directory', mode: 0o1777 });
  t.true(image.layers[0]!.blob === image.layers[0]!.tar, 'uncompressed layer stored as is');
  t.is(image.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar');
});

test('a Docker archive holds manifest.json with RepoTags, the config and layer tars named by diff id', (t) => {
  const image = deletionsImage({ name: 'docker.io/me/deletions:v1' });
  const members = membersByName(dockerArchive(image));
  const manifest = json(members.get('manifest.json')!.content) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  t.deepEqual(manifest, [
    {
      Config: `${image.config.digest.slice(7)}.json`,
      RepoTags: ['me/deletions:v1'],
      Layers: image.diffIds.map((id) => `${id.slice(7)}/layer.tar`),
    },
  ]);
  t.is(sha(members.get(manifest[0]!.Config)!.content), image.config.digest);
  t.deepEqual(
    manifest[0]!.Layers.map((path) => sha(members.get(path)!.content)),
    image.diffIds,
  );
  t.deepEqual(json(members.get('repositories')!.content), { 'me/deletions': { v1: image.diffIds.at(-1)!.slice(7) } });
});

test('deletion layers carry whiteouts and an opaque marker', (t) => {
  const image = deletionsImage({ name: 'deletions' });
  t.is(image.layers.length, 4);
  const names = (i: number) => readTar(image.layers[i]!.tar).map((m) => m.name);
  t.deepEqual(names(2), ['data', 'data/.wh.gone.txt', 'data/.wh.olddir', 'data/opaque', 'data/opaque/.wh..wh..opq', 'data/opaque/new.txt', 'data/added.txt']);
  t.true(names(3).includes('data/.wh.added.txt'));
});

test('images sharing layers store each blob once, and chain ids follow containerd', (t) => {
  const images: BuiltImage[] = [busyboxImage({ name: 'a' }), everyKindImage({ name: 'b' })];
  t.is(images[0]!.layers[0]!.digest, images[1]!.layers[0]!.digest);
  const members = readTar(ociArchive(images));
  t.is(members.filter((m) => m.name.startsWith('blobs/sha256/') && m.type === 'file').length, 2 + 3 + 1);
  const [first, second] = images[1]!.diffIds;
  t.deepEqual(chainIds([first!, second!]), [first, sha256Digest(Buffer.from(`${first} ${second}`))]);
  t.deepEqual(images[1]!.chainIds, chainIds(images[1]!.diffIds));
});

test('digests are stable from build to build', (t) => {
  const a = everyKindImage({ name: 'x' });
  const b = everyKindImage({ name: 'x' });
  t.is(a.manifest.digest, b.manifest.digest);
  t.true(ociArchive(a).equals(ociArchive(b)));
  t.true(dockerArchive(a).equals(dockerArchive(b)));
});

test('image names are normalized like docker references', (t) => {
  t.is(normalizeImageName('busybox'), 'docker.io/library/busybox:latest');
  t.is(normalizeImageName('me/app:1'), 'docker.io/me/app:1');
  t.is(normalizeImageName('localhost:5000/x'), 'localhost:5000/x:latest');
  t.is(normalizeImageName('example.com/a/b:c'), 'example.com/a/b:c');
});
