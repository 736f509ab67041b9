import { mkdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isAlreadyExists, isInvalidArgument } from '@proj/errdefs';
import { bundleModes, bundleSteps, newBundle } from '@proj/bundle';
import { rootTest, tempRoot } from '@proj/testkit';
import { tree } from './helpers/tree.js';

const rtest = rootTest(test);
const spec = { ociVersion: '1.0.2', process: { args: ['/bin/true'] } };

async function dirs(t: Parameters<typeof tempRoot>[0]) {
  const base = await tempRoot(t, 'proj-bundle-');
  return { base, root: join(base, 'root'), state: join(base, 'state') };
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

test('newBundle lays out the bundle with the wire doc modes', async (t) => {
  const { root, state } = await dirs(t);
  const bundle = await newBundle({ root, state, namespace: 'default', id: 'c1', spec });
  t.is(bundle.path, join(state, 'default', 'c1'));
  t.is(bundle.id, 'c1');
  t.is(bundle.namespace, 'default');
  t.is(await modeOf(join(state, 'default')), bundleModes.namespaceDir);
  t.is(await modeOf(join(root, 'default')), bundleModes.namespaceDir);
  t.is(await modeOf(bundle.path), 0o700);
  t.is(await modeOf(bundle.rootfs), 0o711);
  t.is(await modeOf(join(root, 'default', 'c1')), 0o711);
  t.is(await readlink(join(bundle.path, 'work')), join(root, 'default', 'c1'));
  t.deepEqual(JSON.parse(await readFile(bundle.configPath, 'utf8')), spec);
  t.is(await bundle.workDir(), join(root, 'default', 'c1'));
});

test('spec bytes and strings are written verbatim', async (t) => {
  const { root, state } = await dirs(t);
  const text = '{ "ociVersion" : "1.0.2" }\n';
  const fromBytes = await newBundle({ root, state, namespace: 'ns', id: 'bytes', spec: Buffer.from(text) });
  const fromString = await newBundle({ root, state, namespace: 'ns', id: 'string', spec: text });
  t.is(await readFile(fromBytes.configPath, 'utf8'), text);
  t.is(await readFile(fromString.configPath, 'utf8'), text);
});

rtest('a spec mapping container GID 0 makes the bundle 0710 and group-owned by the host GID', async (t) => {
  const { root, state } = await dirs(t);
  const userns = { ...spec, linux: { gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] } };
  const bundle = await newBundle({ root, state, namespace: 'default', id: 'userns', spec: userns });
  const info = await stat(bundle.path);
  t.is(info.mode & 0o7777, 0o710);
  t.is(info.gid, 100000);
});

const invalidIds = ['', 'a..b', '-lead', 'trail_', 'a/b', '../escape', 'sp ace', 'ünï', 'x'.repeat(77), '.hidden'];

for (const id of invalidIds) {
  test(`invalid task id ${JSON.stringify(id)} is InvalidArgument naming the id, and nothing is created`, async (t) => {
    const { base, root, state } = await dirs(t);
    const error = await t.throwsAsync(newBundle({ root, state, namespace: 'default', id, spec }));
    t.true(isInvalidArgument(error), error?.message);
    t.true(error!.message.includes(JSON.stringify(id)), error?.message);
    t.true(error!.message.includes('task id'), error?.message);
    t.deepEqual(await tree(base), []);
  });
}

test('the longest valid id (76 characters) is accepted', async (t) => {
  const { root, state } = await dirs(t);
  const id = 'a'.repeat(76);
  const bundle = await newBundle({ root, state, namespace: 'default', id, spec });
  t.is(bundle.id, id);
});

for (const namespace of [undefined, '']) {
  test(`a missing namespace (${JSON.stringify(namespace)}) is InvalidArgument naming the id`, async (t) => {
    const { base, root, state } = await dirs(t);
    const error = await t.throwsAsync(newBundle({ root, state, namespace, id: 'c1', spec }));
    t.true(isInvalidArgument(error));
    t.regex(error!.message, /namespace is required.*"c1"/);
    t.deepEqual(await tree(base), []);
  });
}

test('an invalid namespace is InvalidArgument naming it and the id', async (t) => {
  const { root, state } = await dirs(t);
  const error = await t.throwsAsync(newBundle({ root, state, namespace: '../etc', id: 'c1', spec }));
  t.true(isInvalidArgument(error));
  t.true(error!.message.includes('"../etc"') && error!.message.includes('"c1"'), error!.message);
});

test('a spec that is not a JSON object is InvalidArgument, and nothing is created', async (t) => {
  const { base, root, state } = await dirs(t);
  for (const bad of ['{"truncated":', '[1,2]', Buffer.from('null')]) {
    const error = await t.throwsAsync(newBundle({ root, state, namespace: 'default', id: 'c1', spec: bad }));
    t.true(isInvalidArgument(error), error?.message);
    t.true(error!.message.includes('"c1"'));
  }
  t.deepEqual(await tree(base), []);
});

// Fault injection: each creation step fails in turn; the tree must be exactly as before.
const scenarios = {
  'a fresh root and state': async () => {},
  'existing namespace dirs with a sibling bundle': async (root: string, state: string) => {
    await newBundle({ root, state, namespace: 'default', id: 'sibling', spec });
  },
};

for (const [scenario, prepare] of Object.entries(scenarios)) {
  for (const failing of bundleSteps) {
    test(`a fault after step "${failing}" leaves no trace (${scenario})`, async (t) => {
      const { base, root, state } = await dirs(t);
      await prepare(root, state);
      const before = await tree(base);
      const seen: string[] = [];
      const injected = new Error(`injected fault after ${failing}`);
      const error = await t.throwsAsync(
        newBundle({
          root,
          state,
          namespace: 'default',
          id: 'c1',
          spec,
          afterStep: (step) => {
            seen.push(step);
            if (step === failing) throw injected;
          },
        }),
      );
      t.is(error, injected);
      t.deepEqual(seen, bundleSteps.slice(0, bundleSteps.indexOf(failing) + 1));
      t.deepEqual(await tree(base), before);
    });
  }
}

test('every step runs, in order, on success', async (t) => {
  const { root, state } = await dirs(t);
  const seen: string[] = [];
  await newBundle({ root, state, namespace: 'default', id: 'c1', spec, afterStep: (step) => void seen.push(step) });
  t.deepEqual(seen, [...bundleSteps]);
});

test('an existing bundle is AlreadyExists and is left untouched, work dir included', async (t) => {
  const { base, root, state } = await dirs(t);
  const first = await newBundle({ root, state, namespace: 'default', id: 'c1', spec });
  await writeFile(join(first.path, 'address'), 'unix:///run/x');
  await writeFile(join(root, 'default', 'c1', 'criu.log'), 'work in progress');
  const before = await tree(base);
  const error = await t.throwsAsync(newBundle({ root, state, namespace: 'default', id: 'c1', spec: { other: true } }));
  t.true(isAlreadyExists(error), error?.message);
  t.true(error!.message.includes(first.path));
  t.deepEqual(await tree(base), before);
});

test('a stale work dir is replaced by an empty one', async (t) => {
  const { root, state } = await dirs(t);
  const work = join(root, 'default', 'c1');
  await mkdir(join(work, 'old', 'deep'), { recursive: true });
  await writeFile(join(work, 'old', 'deep', 'file'), 'stale');
  const bundle = await newBundle({ root, state, namespace: 'default', id: 'c1', spec });
  t.is(await bundle.workDir(), work);
  t.deepEqual(await tree(work), []);
  t.is(await modeOf(work), 0o711);
});

test('a real file-system failure midway (the root dir is a file) rolls back what was made', async (t) => {
  const { base, root, state } = await dirs(t);
  await writeFile(root, 'not a directory');
  const before = await tree(base);
  const error = await t.throwsAsync(newBundle({ root, state, namespace: 'default', id: 'c1', spec }));
  t.true(error!.message.includes(join(root, 'default')), error?.message);
  t.deepEqual(await tree(base), before);
});
