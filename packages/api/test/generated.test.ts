// The checked-in generated code matches proto/ (regenerated into a temp dir with the same buf
// and protoc-gen-es), and the field numbers that differ from a naive numbering are containerd's.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DescMessage } from '@bufbuild/protobuf';
import { apiRegistry, containersV1, diffV1, imagesV1, leasesV1, tasksV1, types } from '@proj/api';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))),
  );
  return nested.flat();
}

test('src/gen is what `npm run generate` makes from proto/', async (t) => {
  const buf = join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
  const plugin = join(dirname(require.resolve('@bufbuild/protoc-gen-es/package.json')), 'bin', 'protoc-gen-es');
  const out = await mkdtemp(join(tmpdir(), 'proj-api-gen-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const template = JSON.stringify({
    version: 'v2',
    plugins: [{ local: plugin, out, opt: ['target=ts', 'import_extension=js'] }],
  });
  await run(buf, ['generate', '--template', template], { cwd: packageDir });
  const fresh = (await walk(out)).map((file) => relative(out, file)).sort();
  const checkedIn = (await walk(join(packageDir, 'src', 'gen')))
    .map((file) => relative(join(packageDir, 'src', 'gen'), file))
    .filter((file) => file !== 'files.ts')
    .sort();
  t.deepEqual(checkedIn, fresh, 'generated file set differs: run `npm run generate -w @proj/api`');
  for (const file of fresh) {
    const [a, b] = await Promise.all([readFile(join(out, file), 'utf8'), readFile(join(packageDir, 'src', 'gen', file), 'utf8')]);
    t.is(b, a, `${file} is stale: run \`npm run generate -w @proj/api\``);
  }
});

function numbers(desc: DescMessage): Record<string, number> {
  return Object.fromEntries(desc.fields.map((f) => [f.name, f.number]));
}

test('field numbers with gaps are containerd\'s', (t) => {
  t.is(numbers(tasksV1.CreateTaskRequestSchema).container_id, 1);
  t.is(numbers(tasksV1.CreateTaskRequestSchema).rootfs, 3, 'CreateTaskRequest has no field 2');
  t.is(numbers(tasksV1.CreateTaskRequestSchema).runtime_path, 10);
  t.is(numbers(diffV1.DiffResponseSchema).diff, 3);
  t.deepEqual(numbers(imagesV1.ImageSchema), { name: 1, labels: 2, target: 3, created_at: 7, updated_at: 8 });
  t.deepEqual(numbers(types.DescriptorSchema), { media_type: 1, digest: 2, size: 3, annotations: 5 });
  t.deepEqual(numbers(leasesV1.CreateRequestSchema), { id: 1, labels: 3 });
  t.is(numbers(containersV1.ContainerSchema).extensions, 10);
});

test('services and methods have containerd\'s full names', (t) => {
  const paths = (name: string) => {
    const service = apiRegistry.getService(name);
    return service?.methods.map((m) => `/${service.typeName}/${m.name}`) ?? [];
  };
  t.deepEqual(paths('containerd.services.version.v1.Version'), ['/containerd.services.version.v1.Version/Version']);
  t.is(paths('containerd.services.tasks.v1.Tasks').length, 17);
  t.is(paths('containerd.task.v2.Task').length, 17);
  t.is(paths('containerd.services.content.v1.Content').length, 9);
  t.is(paths('containerd.services.snapshots.v1.Snapshots').length, 10);
  t.deepEqual(paths('containerd.services.events.ttrpc.v1.Events'), ['/containerd.services.events.ttrpc.v1.Events/Forward']);
  for (const name of ['namespaces', 'containers', 'images', 'diff', 'leases', 'events', 'introspection']) {
    t.true(
      apiRegistry.getService(`containerd.services.${name}.v1.${name[0]?.toUpperCase()}${name.slice(1)}`) !== undefined,
      name,
    );
  }
});
