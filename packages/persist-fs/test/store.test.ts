import { mkdir, open, readFile, readdir, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isInvalidArgument, isNotFound, isUnavailable, isUnknown } from '@proj/errdefs';
import { flock } from '@proj/mount';
import { type ContainerState, PersistStore, persistSchemaVersion } from '@proj/persist-fs';
import { tempRoot } from '@proj/testkit';
import { containerState, sandboxState } from './helpers/states.js';

async function store(t: Parameters<typeof tempRoot>[0], options: Partial<ConstructorParameters<typeof PersistStore>[0]> = {}) {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  return new PersistStore({ root, ...options });
}

test('what toDisk writes, fromDisk returns exactly', async (t) => {
  const s = await store(t);
  const sandbox = sandboxState();
  const containers = new Map([
    ['c1', containerState('c1')],
    ['c2', containerState('c2', 'a', false)],
  ]);
  await s.toDisk(sandbox, containers);
  const restored = await s.fromDisk('sb1');
  t.deepEqual(restored.sandbox, sandbox);
  t.deepEqual(restored.containers, containers);
});

test('a fresh store (a restart) reads back the same state; containers may be a plain record', async (t) => {
  const s = await store(t);
  const containers = { c1: containerState('c1'), 'c-2.x_y': containerState('c-2.x_y') };
  await s.toDisk(sandboxState(), containers);
  const restored = await new PersistStore({ root: s.root }).fromDisk('sb1');
  t.deepEqual(restored.sandbox, sandboxState());
  t.deepEqual(Object.fromEntries(restored.containers), containers);
});

test('the layout: one persist.json per sandbox and per container, 0640 files in 0700 dirs, no temp files', async (t) => {
  const s = await store(t);
  await s.toDisk(sandboxState(), { c1: containerState('c1') });
  const dir = s.sandboxDir('sb1');
  t.deepEqual((await readdir(dir)).sort(), ['c1', 'persist.json']);
  t.deepEqual(await readdir(join(dir, 'c1')), ['persist.json']);
  t.is((await stat(dir)).mode & 0o777, 0o700);
  t.is((await stat(join(dir, 'c1'))).mode & 0o777, 0o700);
  t.is((await stat(join(dir, 'persist.json'))).mode & 0o777, 0o640);
  const document = JSON.parse(await readFile(join(dir, 'persist.json'), 'utf8'));
  t.is(document.schemaVersion, persistSchemaVersion);
  t.is(document.kind, 'sandbox');
  t.deepEqual(document.state, sandboxState());
});

test('a rewrite replaces the state: containers no longer listed are gone from disk and from fromDisk', async (t) => {
  const s = await store(t);
  await s.toDisk(sandboxState('sb1', 'a'), { c1: containerState('c1'), c2: containerState('c2') });
  await s.toDisk(sandboxState('sb1', 'b'), { c2: containerState('c2', 'b') });
  const restored = await s.fromDisk('sb1');
  t.deepEqual(restored.sandbox, sandboxState('sb1', 'b'));
  t.deepEqual([...restored.containers.keys()], ['c2']);
  t.deepEqual(restored.containers.get('c2'), containerState('c2', 'b'));
  t.deepEqual((await readdir(s.sandboxDir('sb1'))).sort(), ['c2', 'persist.json']);
});

test('fromDisk skips directories without a persist.json, and hidden temp files', async (t) => {
  const s = await store(t);
  await s.toDisk(sandboxState(), { c1: containerState('c1') });
  const dir = s.sandboxDir('sb1');
  await mkdir(join(dir, 'not-a-container'));
  await writeFile(join(dir, '.persist.json.99.abcdef.tmp'), '{"trunc');
  const restored = await s.fromDisk('sb1');
  t.deepEqual([...restored.containers.keys()], ['c1']);
  // The next write (under the lock) clears temp files left by a killed writer.
  await s.toDisk(sandboxState(), { c1: containerState('c1') });
  t.deepEqual((await readdir(dir)).sort(), ['c1', 'not-a-container', 'persist.json']);
});

test('fromDisk of a sandbox never written is NotFound; so is one whose persist.json is missing', async (t) => {
  const s = await store(t);
  const missing = await t.throwsAsync(s.fromDisk('nope'));
  t.true(isNotFound(missing));
  t.true(missing!.message.includes(join(s.root, 'nope')));
  await mkdir(s.sandboxDir('half'), { recursive: true });
  const half = await t.throwsAsync(s.fromDisk('half'));
  t.true(isNotFound(half));
  t.true(half!.message.includes(join(s.root, 'half', 'persist.json')));
});

test('destroy removes a sandbox and its containers; destroying again is fine; list shows what is stored', async (t) => {
  const s = await store(t);
  t.deepEqual(await s.list(), []);
  await s.toDisk(sandboxState('sb1'), { c1: containerState('c1') });
  await s.toDisk(sandboxState('sb2'));
  await mkdir(join(s.root, 'no-state'));
  t.deepEqual(await s.list(), ['sb1', 'sb2']);
  await s.destroy('sb1');
  await s.destroy('sb1');
  t.deepEqual(await s.list(), ['sb2']);
  t.deepEqual((await readdir(s.root)).sort(), ['no-state', 'sb2']);
  t.true(isNotFound(await t.throwsAsync(s.fromDisk('sb1'))));
});

const badStates: Array<[string, (sandbox: Record<string, unknown>, c: Record<string, unknown>) => void, RegExp]> = [
  ['a bad status', (sb) => (sb.status = 'zombie'), /sandbox\.status: expected one of ready, running, paused, stopped/],
  ['an invalid sandbox id', (sb) => (sb.id = '../etc'), /sandbox\.id: "\.\.\/etc" is not a valid identifier/],
  ['a non-string label', (sb) => (sb.labels = { a: 1 }), /sandbox\.labels\.a: expected a string/],
  ['an unknown field', (sb) => (sb.colour = 'red'), /sandbox\.colour: unknown field/],
  ['a bad timestamp', (sb) => (sb.createdAt = 'yesterday'), /sandbox\.createdAt: "yesterday" is not an ISO 8601 timestamp/],
  ['a negative pid', (_, c) => (c.pid = -1), /containers\["c1"\]\.pid: expected an integer >= 1/],
  ['a non-JSON extension', (_, c) => (c.extensions = { f: () => 1 }), /containers\["c1"\]\.extensions\.f: .*cannot be stored as JSON/],
  ['a mount without options', (_, c) => (c.rootfs = [{ type: 'bind', source: '/x' }]), /containers\["c1"\]\.rootfs\[0\]\.options: expected an array/],
];

for (const [what, spoil, message] of badStates) {
  test(`toDisk refuses ${what} with InvalidArgument naming the field, before touching the disk`, async (t) => {
    const s = await store(t);
    const sandbox = sandboxState() as unknown as Record<string, unknown>;
    const container = containerState('c1') as unknown as Record<string, unknown>;
    spoil(sandbox, container);
    const error = await t.throwsAsync(s.toDisk(sandbox as never, { c1: container as never }));
    t.true(isInvalidArgument(error), error?.message);
    t.regex(error!.message, message);
    await t.throwsAsync(stat(s.root));
  });
}

test('toDisk refuses a container whose key is not its id, and the reserved name persist.json', async (t) => {
  const s = await store(t);
  const mismatch = await t.throwsAsync(s.toDisk(sandboxState(), { c1: containerState('c2') }));
  t.true(isInvalidArgument(mismatch));
  t.regex(mismatch!.message, /containers\["c1"\]\.id is "c2"/);
  const reserved = await t.throwsAsync(s.toDisk(sandboxState(), { 'persist.json': containerState('persist.json') }));
  t.true(isInvalidArgument(reserved));
  t.regex(reserved!.message, /reserved/);
});

test('a fault during the first write leaves nothing behind', async (t) => {
  for (const hook of ['afterLock', 'beforeCommit'] as const) {
    const s = await store(t, { hooks: { [hook]: () => Promise.reject(new Error(`injected at ${hook}`)) } });
    const error = await t.throwsAsync(s.toDisk(sandboxState(), { c1: containerState('c1') }));
    t.true(isUnknown(error));
    t.regex(error!.message, new RegExp(`injected at ${hook}`));
    t.deepEqual(await readdir(s.root), [], hook);
  }
});

test('a fault during a rewrite keeps the previous state and removes what the failed write made', async (t) => {
  for (const hook of ['afterLock', 'beforeCommit'] as const) {
    const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
    const good = new PersistStore({ root });
    const previous = new Map<string, ContainerState>([['c1', containerState('c1')]]);
    await good.toDisk(sandboxState(), previous);
    const failing = new PersistStore({ root, hooks: { [hook]: () => Promise.reject(new Error('injected')) } });
    await t.throwsAsync(failing.toDisk(sandboxState('sb1', 'b'), { c1: containerState('c1', 'b'), c9: containerState('c9', 'b') }));
    const restored = await good.fromDisk('sb1');
    t.deepEqual(restored.sandbox, sandboxState(), hook);
    t.deepEqual(restored.containers, previous, hook);
    t.deepEqual((await readdir(good.sandboxDir('sb1'))).sort(), ['c1', 'persist.json'], hook);
    t.deepEqual(await readdir(join(good.sandboxDir('sb1'), 'c1')), ['persist.json'], hook);
  }
});

test('a second writer in the same process while the lock is held fails at once with Unavailable "locked"', async (t) => {
  let release!: () => void;
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const first = new PersistStore({
    root,
    hooks: { afterLock: () => { locked(); return new Promise<void>((resolve) => (release = resolve)); } },
  });
  const second = new PersistStore({ root });
  const writing = first.toDisk(sandboxState('sb1', 'first'), { c1: containerState('c1', 'first') });
  await held;
  const error = await t.throwsAsync(second.toDisk(sandboxState('sb1', 'second')));
  t.true(isUnavailable(error), error?.message);
  t.regex(error!.message, /sandbox "sb1" is locked/);
  // A reader waits for the writer, then sees its complete state; one with no patience gives up.
  const impatient = await t.throwsAsync(new PersistStore({ root, readLockTimeoutMs: 50 }).fromDisk('sb1'));
  t.true(isUnavailable(impatient));
  const reading = new PersistStore({ root }).fromDisk('sb1');
  release();
  await writing;
  const restored = await reading;
  t.deepEqual(restored.sandbox, sandboxState('sb1', 'first'));
  t.deepEqual([...restored.containers.keys()], ['c1']);
  // Other sandboxes are not affected by the lock of one.
  await second.toDisk(sandboxState('sb2', 'second'));
});

test('destroy while a writer holds the lock is Unavailable, and the state survives', async (t) => {
  let release!: () => void;
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const writer = new PersistStore({
    root,
    hooks: { afterLock: () => { locked(); return new Promise<void>((resolve) => (release = resolve)); } },
  });
  const writing = writer.toDisk(sandboxState());
  await held;
  const error = await t.throwsAsync(new PersistStore({ root }).destroy('sb1'));
  t.true(isUnavailable(error), error?.message);
  release();
  await writing;
  t.deepEqual((await new PersistStore({ root }).fromDisk('sb1')).sandbox, sandboxState());
});

test('a writer finding a reader\'s shared lock fails with Unavailable saying it may be a reader', async (t) => {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const store = new PersistStore({ root });
  await store.toDisk(sandboxState());
  const reader = await open(store.sandboxDir('sb1'), 'r');
  t.teardown(() => reader.close());
  await flock(reader, 'shared'); // what fromDisk holds while it reads
  const error = await t.throwsAsync(store.toDisk(sandboxState('sb1', 'new')));
  t.true(isUnavailable(error), error?.message);
  t.regex(error!.message, /sandbox "sb1" is locked: another process is writing .*, or reading it/);
  await reader.close();
  await store.toDisk(sandboxState('sb1', 'new'));
  t.deepEqual((await store.fromDisk('sb1')).sandbox, sandboxState('sb1', 'new'));
});

test('a toDisk that fails before writing (persist.json unreadable) releases its lock', async (t) => {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const store = new PersistStore({ root });
  const file = join(store.sandboxDir('sb1'), 'persist.json');
  await mkdir(store.sandboxDir('sb1'), { recursive: true });
  await symlink('persist.json', file); // a loop: stat fails with ELOOP
  const error = await t.throwsAsync(store.toDisk(sandboxState()));
  t.true(error!.message.includes(file), error?.message);
  await unlink(file);
  // The lock of the failed call is gone: the next writer is not "locked" out.
  await store.toDisk(sandboxState());
  t.deepEqual((await store.fromDisk('sb1')).sandbox, sandboxState());
});

test('invalid sandbox ids are InvalidArgument naming the id', async (t) => {
  const s = await store(t);
  for (const id of ['', '../x', 'a/b', '.hidden']) {
    const error = await t.throwsAsync(s.fromDisk(id));
    t.true(isInvalidArgument(error));
    t.true(error!.message.includes(JSON.stringify(id)), error!.message);
    t.true(isInvalidArgument(await t.throwsAsync(s.destroy(id))));
  }
});
