import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { isAlreadyExists, isInvalidArgument, isNotFound } from '@proj/errdefs';
import { listBundles, loadBundle, newBundle } from '@proj/bundle';
import { tempRoot } from '@proj/testkit';

const run = promisify(execFile);

async function setup(t: Parameters<typeof tempRoot>[0]) {
  const base = await tempRoot(t, 'proj-bundle-');
  const root = join(base, 'root');
  const state = join(base, 'state');
  const bundle = await newBundle({ root, state, namespace: 'default', id: 'c1', spec: { ociVersion: '1.0.2' } });
  return { base, root, state, bundle };
}

test('loadBundle opens an existing bundle, and its delete finds the work dir', async (t) => {
  const { root, state, bundle } = await setup(t);
  const loaded = await loadBundle({ state, root, namespace: 'default', id: 'c1' });
  t.is(loaded.path, bundle.path);
  t.is(await loaded.workDir(), join(root, 'default', 'c1'));
  t.deepEqual(JSON.parse((await loaded.readSpec()).toString()), { ociVersion: '1.0.2' });
  await loaded.delete();
  await t.throwsAsync(stat(join(root, 'default', 'c1')));
});

test('loadBundle: a missing bundle is NotFound, a bad id or missing namespace InvalidArgument naming the id', async (t) => {
  const { state } = await setup(t);
  const missing = await t.throwsAsync(loadBundle({ state, namespace: 'default', id: 'nope' }));
  t.true(isNotFound(missing));
  t.true(missing!.message.includes('"nope"'));
  const bad = await t.throwsAsync(loadBundle({ state, namespace: 'default', id: 'a/../b' }));
  t.true(isInvalidArgument(bad));
  t.true(bad!.message.includes('"a/../b"'));
  const noNamespace = await t.throwsAsync(loadBundle({ state, namespace: undefined, id: 'c1' }));
  t.true(isInvalidArgument(noNamespace));
  t.true(noNamespace!.message.includes('"c1"'));
});

test('address and shim-binary-path are written without a newline and read back', async (t) => {
  const { bundle } = await setup(t);
  await bundle.writeAddress('unix:///run/containerd/s/abc');
  await bundle.writeShimBinaryPath('/usr/bin/containerd-shim-runc-v2');
  t.is(await readFile(join(bundle.path, 'address'), 'utf8'), 'unix:///run/containerd/s/abc');
  t.is(await readFile(join(bundle.path, 'shim-binary-path'), 'utf8'), '/usr/bin/containerd-shim-runc-v2');
  t.is(await bundle.readAddress(), 'unix:///run/containerd/s/abc');
  t.is(await bundle.readShimBinaryPath(), '/usr/bin/containerd-shim-runc-v2');
  await bundle.writeAddress('unix:///run/containerd/s/def');
  t.is(await bundle.readAddress(), 'unix:///run/containerd/s/def');
});

test('reading address or shim-binary-path before they exist is NotFound naming the file', async (t) => {
  const { bundle } = await setup(t);
  const address = await t.throwsAsync(bundle.readAddress());
  t.true(isNotFound(address));
  t.true(address!.message.includes(join(bundle.path, 'address')));
  const binary = await t.throwsAsync(bundle.readShimBinaryPath());
  t.true(isNotFound(binary));
  t.true(binary!.message.includes(join(bundle.path, 'shim-binary-path')));
});

test('the log FIFO is created 0700, cannot be created twice, and what a writer sends comes out of openLog', async (t) => {
  const { bundle } = await setup(t);
  const path = await bundle.createLogFifo();
  const info = await stat(path);
  t.true(info.isFIFO());
  t.is(info.mode & 0o777, 0o700);
  t.true(isAlreadyExists(await t.throwsAsync(bundle.createLogFifo())));

  const log = await bundle.openLog();
  t.teardown(() => log.destroy());
  const received = new Promise<string>((resolve) => {
    let text = '';
    log.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text);
    });
  });
  // The shim opens the FIFO write-only; that open must not block because a reader exists.
  await run('sh', ['-c', `echo 'level=info msg="shim started"' > ${path}`], { timeout: 10_000 });
  t.is(await received, 'level=info msg="shim started"\n');
  log.destroy();
  await bundle.delete();
});

test('listBundles finds every bundle by namespace and id, skipping interrupted deletes and strays', async (t) => {
  const { base, root, state } = await setup(t);
  await newBundle({ root, state, namespace: 'k8s.io', id: 'pod-a', spec: {} });
  await newBundle({ root, state, namespace: 'default', id: 'a0', spec: {} });
  await mkdir(join(state, 'default', '.gone'), { recursive: true });
  await writeFile(join(state, 'default', 'stray-file'), '');
  await mkdir(join(state, 'not valid!', 'x'), { recursive: true });
  t.deepEqual(await listBundles(state), [
    { namespace: 'default', id: 'a0', path: join(state, 'default', 'a0') },
    { namespace: 'default', id: 'c1', path: join(state, 'default', 'c1') },
    { namespace: 'k8s.io', id: 'pod-a', path: join(state, 'k8s.io', 'pod-a') },
  ]);
  t.deepEqual(await listBundles(join(base, 'no-such-state')), []);
});
