import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlreadyExists, isFailedPrecondition, isInvalidArgument, isNotFound } from '@proj/errdefs';
import { Kind, MetaStore } from '@proj/snapshots';
import test, { type ExecutionContext } from 'ava';

async function openStore(t: ExecutionContext, clock?: () => number): Promise<{ store: MetaStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'proj-metastore-'));
  const store = await MetaStore.open(join(dir, 'metadata.db'), clock ? { clock } : {});
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { store, dir };
}

const usage = { size: 4096, inodes: 1 };

test('create, commit, stack and stat a chain', async (t) => {
  let now = 1_000;
  const { store } = await openStore(t, () => now);
  const base = store.update((tx) => tx.createSnapshot(Kind.Active, 'base-a', undefined, { labels: { x: '1' } }));
  t.deepEqual(base, { id: '1', kind: 'active', parentIds: [] });
  now = 2_000;
  t.is(store.update((tx) => tx.commitActive('base-a', 'base', usage, { labels: { y: '2' } })), '1');
  const top = store.update((tx) => tx.createSnapshot(Kind.Active, 'top-a', 'base'));
  t.deepEqual(top, { id: '2', kind: 'active', parentIds: ['1'] });
  store.update((tx) => tx.commitActive('top-a', 'top', usage));
  const view = store.update((tx) => tx.createSnapshot(Kind.View, 'v', 'top'));
  t.deepEqual(view, { id: '3', kind: 'view', parentIds: ['2', '1'] });
  t.deepEqual(store.read((tx) => tx.getSnapshot('v')), view);

  const stored = store.read((tx) => tx.getInfo('base'));
  t.is(stored.id, '1');
  t.deepEqual(stored.usage, usage);
  t.deepEqual(stored.info, {
    kind: 'committed',
    name: 'base',
    labels: { y: '2' },
    created: new Date(2_000),
    updated: new Date(2_000),
  });
  t.is(store.read((tx) => tx.getInfo('top')).info.parent, 'base');
  t.false(store.read((tx) => tx.has('base-a')));
  t.deepEqual(store.read((tx) => [...tx.idMap()].sort()), [['1', 'base'], ['2', 'top'], ['3', 'v']]);
  t.deepEqual(store.read((tx) => tx.children('base')), ['top']);
});

test('errors: duplicate keys, missing or uncommitted parents, double commit, children', async (t) => {
  const { store } = await openStore(t);
  store.update((tx) => tx.createSnapshot(Kind.Active, 'a'));
  const err = (fn: () => unknown) => t.throws(fn) as Error;
  t.true(isAlreadyExists(err(() => store.update((tx) => tx.createSnapshot(Kind.Active, 'a')))));
  t.true(isAlreadyExists(err(() => store.update((tx) => tx.createSnapshot(Kind.View, 'a')))));
  t.true(isNotFound(err(() => store.update((tx) => tx.createSnapshot(Kind.Active, 'b', 'missing')))));
  t.true(isInvalidArgument(err(() => store.update((tx) => tx.createSnapshot(Kind.Active, 'b', 'a')))));
  t.true(isInvalidArgument(err(() => store.update((tx) => tx.createSnapshot(Kind.Committed, 'b')))));
  store.update((tx) => tx.commitActive('a', 'c', usage));
  t.true(isFailedPrecondition(err(() => store.read((tx) => tx.getSnapshot('c')))));
  t.true(isNotFound(err(() => store.update((tx) => tx.commitActive('a', 'c2', usage)))));
  t.true(isAlreadyExists(err(() => store.update((tx) => tx.commitActive('a', 'c', usage)))));
  store.update((tx) => tx.createSnapshot(Kind.View, 'v', 'c'));
  t.true(isFailedPrecondition(err(() => store.update((tx) => tx.commitActive('v', 'c3', usage)))));
  const removeParent = err(() => store.update((tx) => tx.remove('c')));
  t.true(isFailedPrecondition(removeParent));
  t.regex(removeParent.message, /remove/);
  t.true(isNotFound(err(() => store.update((tx) => tx.remove('nope')))));
  t.deepEqual(store.update((tx) => tx.remove('v')), { id: '2', kind: 'view' });
  t.deepEqual(store.update((tx) => tx.remove('c')), { id: '1', kind: 'committed' });
  t.deepEqual(store.read((tx) => tx.idMap().size), 0);
});

test('bad keys and labels are InvalidArgument and change nothing', async (t) => {
  const { store } = await openStore(t);
  for (const key of ['', 'a/b', 'a\\b', '..', '.', 'x\u0000y', 'tab\there', 'k'.repeat(1025)]) {
    const error = t.throws(() => store.update((tx) => tx.createSnapshot(Kind.Active, key)));
    t.true(isInvalidArgument(error), `${JSON.stringify(key)}: ${error?.message}`);
  }
  store.update((tx) => tx.createSnapshot(Kind.Active, 'ok'));
  t.true(isInvalidArgument(t.throws(() => store.update((tx) => tx.commitActive('ok', '../x', usage)))));
  t.true(
    isInvalidArgument(
      t.throws(() => store.update((tx) => tx.createSnapshot(Kind.Active, 'big', undefined, { labels: { k: 'v'.repeat(4096) } }))),
    ),
  );
  t.true(isInvalidArgument(t.throws(() => store.update((tx) => tx.commitActive('ok', 'ok-c', usage, { labels: { '': 'x' } })))));
  t.deepEqual(store.read((tx) => [...tx.idMap().values()]), ['ok']);
  t.is(store.update((tx) => tx.createSnapshot(Kind.Active, 'next')).id, '2', 'failed transactions consumed no id');
});

test('a throwing transaction rolls back every write', async (t) => {
  const { store } = await openStore(t);
  store.update((tx) => tx.createSnapshot(Kind.Active, 'keep'));
  t.throws(
    () =>
      store.update((tx) => {
        tx.createSnapshot(Kind.Active, 'lost');
        tx.commitActive('keep', 'kept', usage);
        throw new Error('boom');
      }),
    { message: 'boom' },
  );
  t.deepEqual(store.read((tx) => [...tx.idMap().values()]), ['keep']);
  t.is(store.read((tx) => tx.getInfo('keep')).info.kind, 'active');
  t.true(isInvalidArgument(t.throws(() => store.update(async () => 1))));
});

test('updateInfo follows containerd field paths', async (t) => {
  let now = 10;
  const { store } = await openStore(t, () => now);
  store.update((tx) => tx.createSnapshot(Kind.Active, 'a', undefined, { labels: { root: 'r' } }));
  now = 20;
  let info = store.update((tx) => tx.updateInfo({ name: 'a', parent: 'ignored', labels: { l1: 'v1', l2: 'v2', l3: 'v3', root: 'r' } }));
  t.deepEqual(info.labels, { l1: 'v1', l2: 'v2', l3: 'v3', root: 'r' });
  t.is(info.created.getTime(), 10);
  t.is(info.updated.getTime(), 20);
  t.is(info.parent, undefined);
  info = store.update((tx) => tx.updateInfo({ name: 'a', labels: { l1: 'updated', l4: 'v4' } }, 'labels.l1', 'labels.l2'));
  t.deepEqual(info.labels, { l1: 'updated', l3: 'v3', root: 'r' });
  info = store.update((tx) => tx.updateInfo({ name: 'a', labels: { l4: 'v4' } }, 'labels'));
  t.deepEqual(info.labels, { l4: 'v4' });
  info = store.update((tx) => tx.updateInfo({ name: 'a', labels: { l4: '' } }, 'labels.l4'));
  t.deepEqual(info.labels, {});
  for (const path of ['parent', 'name', 'kind', 'created', 'labelsx']) {
    t.true(isInvalidArgument(t.throws(() => store.update((tx) => tx.updateInfo({ name: 'a' }, path)))), path);
  }
  t.true(isNotFound(t.throws(() => store.update((tx) => tx.updateInfo({ name: 'nope' })))));
});

test('walkInfo filters and rejects bad syntax before calling back', async (t) => {
  const { store } = await openStore(t);
  store.update((tx) => {
    tx.createSnapshot(Kind.Active, 'p-a');
    tx.commitActive('p-a', 'p', usage, { labels: { l: '1' } });
    tx.createSnapshot(Kind.Active, 'a', 'p');
    tx.createSnapshot(Kind.View, 'v', 'p', { labels: { l: '2' } });
  });
  const names = (...filters: string[]) => {
    const out: string[] = [];
    store.read((tx) => tx.walkInfo((info) => out.push(info.name), ...filters));
    return out.sort();
  };
  t.deepEqual(names(), ['a', 'p', 'v']);
  t.deepEqual(names('parent==p'), ['a', 'v']);
  t.deepEqual(names('kind==committed', 'labels.l==2'), ['p', 'v']);
  let called = 0;
  t.true(isInvalidArgument(t.throws(() => store.read((tx) => tx.walkInfo(() => called++, 'kind==active', 'kind=')))));
  t.is(called, 0);
});

test('data survives reopening; close twice is fine; a closed store refuses work', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'proj-metastore-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'metadata.db');
  const first = await MetaStore.open(path);
  first.update((tx) => tx.createSnapshot(Kind.Active, 'a'));
  await first.close();
  await first.close();
  t.true(isFailedPrecondition(t.throws(() => first.read((tx) => tx.has('a')))));
  const second = await MetaStore.open(path);
  t.true(second.read((tx) => tx.has('a')));
  t.is(second.update((tx) => tx.createSnapshot(Kind.Active, 'b')).id, '2');
  await second.close();
});

test('many snapshots: 2000 records, ids unique, walk sees all', async (t) => {
  const { store } = await openStore(t);
  store.update((tx) => {
    tx.createSnapshot(Kind.Active, 'base-a');
    tx.commitActive('base-a', 'base', usage);
  });
  for (let i = 0; i < 2000; i++) store.update((tx) => tx.createSnapshot(i % 2 ? Kind.View : Kind.Active, `s-${i}`, 'base'));
  let count = 0;
  store.read((tx) => tx.walkInfo(() => count++, 'parent==base'));
  t.is(count, 2000);
  t.is(new Set(store.read((tx) => [...tx.idMap().keys()])).size, 2001);
  t.is(store.read((tx) => tx.children('base')).length, 2000);
});
