// Checks of the snapshotter's API that never mount: metadata, errors, labels, walks.
import { readdir } from 'node:fs/promises';
import {
  isAlreadyExists,
  isFailedPrecondition,
  isInvalidArgument,
  isNotFound,
} from '@proj/errdefs';
import type { ExecutionContext } from 'ava';
import type { Info } from '../info.js';
import type { Snapshotter } from '../snapshotter.js';
import { type Check, gcRootOpt as opt } from './harness.js';

/** Resolves to the error `promise` rejects with; fails the test if it resolves. */
export async function rejection(t: ExecutionContext, promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  t.fail(`${what} should have failed`);
  return undefined;
}

/** Sorted names of the snapshots that match `filters`. */
export async function walkNames(sn: Snapshotter, ...filters: string[]): Promise<string[]> {
  const names: string[] = [];
  await sn.walk((info) => {
    names.push(info.name);
  }, ...filters);
  return names.sort();
}

/** containerd's baseTestSnapshots: c1 <- c2 <- a1, a2, v1 (on c2), v2. */
export async function baseTestSnapshots(sn: Snapshotter): Promise<void> {
  await sn.prepare('c1-a', '', opt);
  await sn.commit('c1', 'c1-a', opt);
  await sn.prepare('c2-a', 'c1', opt);
  await sn.commit('c2', 'c2-a', opt);
  await sn.prepare('a1', 'c2', opt);
  await sn.prepare('a2', '', opt);
  await sn.view('v1', 'c2', opt);
  await sn.view('v2', '', opt);
}

function sameInfo(t: ExecutionContext, a: Info, b: Info, what: string): void {
  t.is(a.kind, b.kind, `${what}: kind`);
  t.is(a.name, b.name, `${what}: name`);
  t.is(a.parent ?? '', b.parent ?? '', `${what}: parent`);
  t.deepEqual(a.labels, b.labels, `${what}: labels`);
  t.is(a.created.getTime(), b.created.getTime(), `${what}: created`);
  t.is(a.updated.getTime(), b.updated.getTime(), `${what}: updated`);
}

export const apiChecks: Check[] = [
  {
    title: 'PrepareViewFailing',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      await sn.prepare('preparing', '', opt);
      await sn.commit('snapA', 'preparing', opt);
      await sn.prepare('newlayer', 'snapA', opt);
      t.true(isAlreadyExists(await rejection(t, sn.view('newlayer', 'snapA', opt), 'view with an active key')));
      await sn.prepare('prepLayer', 'snapA', opt);
      t.true(isAlreadyExists(await rejection(t, sn.prepare('prepLayer', 'snapA', opt), 'second prepare')));
      await sn.view('viewLayer', 'snapA', opt);
      t.true(isAlreadyExists(await rejection(t, sn.view('viewLayer', 'snapA', opt), 'second view')));
      t.true(isAlreadyExists(await rejection(t, sn.prepare('snapA', '', opt), 'prepare over a committed name')));
    },
  },
  {
    title: 'Update',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      const t1 = Date.now();
      await baseTestSnapshots(sn);
      const t2 = Date.now();
      const cases: Array<[string, Info['kind'], string]> = [
        ['c1', 'committed', ''],
        ['c2', 'committed', 'c1'],
        ['a1', 'active', 'c2'],
        ['a2', 'active', ''],
        ['v1', 'view', 'c2'],
        ['v2', 'view', ''],
      ];
      for (const [name, kind, parent] of cases) {
        let st = await sn.stat(name);
        t.true(st.created.getTime() >= t1 && st.created.getTime() <= t2, `${name}: created in range`);
        t.is(st.updated.getTime(), st.created.getTime(), `${name}: updated equals created`);
        t.is(st.kind, kind);
        t.is(st.parent ?? '', parent);
        t.is(st.name, name);
        const createdAt = st.created.getTime();
        const rootTime = new Date().toISOString();
        let expected: Record<string, string> = { l1: 'v1', l2: 'v2', l3: 'v3', 'containerd.io/gc.root': rootTime };
        const u1 = Date.now();
        st = await sn.update({ ...st, parent: 'doesnotexist', labels: expected });
        const u2 = Date.now();
        t.is(st.created.getTime(), createdAt, `${name}: created kept`);
        t.true(st.updated.getTime() >= u1 && st.updated.getTime() <= u2, `${name}: updated in range`);
        t.is(st.kind, kind);
        t.is(st.parent ?? '', parent, `${name}: parent not changed by update`);
        t.deepEqual(st.labels, expected);
        expected = { l1: 'updated', l3: 'v3', 'containerd.io/gc.root': rootTime };
        st = await sn.update({ ...st, labels: { l1: 'updated', l4: 'v4' } }, 'labels.l1', 'labels.l2');
        t.deepEqual(st.labels, expected);
        expected = { l4: 'v4', 'containerd.io/gc.root': rootTime };
        st = await sn.update({ ...st, labels: expected }, 'labels');
        t.deepEqual(st.labels, expected);
        t.deepEqual((await sn.stat(name)).labels, expected, `${name}: stat sees the update`);
        const err = await rejection(t, sn.update({ ...st, parent: 'doesnotexist' }, 'parent'), 'update of parent');
        t.true(isInvalidArgument(err), `${name}: immutable field path is InvalidArgument`);
      }
      t.true(isNotFound(await rejection(t, sn.update({ name: 'nope', labels: {} }), 'update of a missing snapshot')));
    },
  },
  {
    title: 'Remove',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      await sn.prepare('committed-a', '', opt);
      await sn.commit('committed-1', 'committed-a', opt);
      await sn.prepare('reuse-1', 'committed-1', opt);
      await sn.remove('reuse-1');
      await sn.view('reuse-1', 'committed-1', opt);
      await sn.remove('reuse-1');
      await sn.prepare('reuse-1', '', opt);
      await sn.remove('committed-1');
      await sn.commit('committed-1', 'reuse-1', opt);
      t.is((await sn.stat('committed-1')).kind, 'committed');
      t.true(isNotFound(await rejection(t, sn.remove('reuse-1'), 'remove of a committed key')));
    },
  },
  {
    title: 'RemoveIntermediateSnapshot',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      await sn.prepare('base', '', opt);
      await sn.commit('committed-base', 'base', opt);
      await sn.prepare('intermediate', 'committed-base', opt);
      await sn.commit('committed-inter', 'intermediate', opt);
      await sn.prepare('toplayer', 'committed-inter', opt);
      const err = await rejection(t, sn.remove('committed-inter'), 'removal of a snapshot with a child');
      t.true(isFailedPrecondition(err));
      t.regex(String((err as Error).message), /remove/);
      t.is((await sn.stat('committed-inter')).kind, 'committed', 'failed removal changed nothing');
      await sn.remove('toplayer');
      await sn.remove('committed-inter');
      await sn.remove('committed-base');
      t.deepEqual(await walkNames(sn), []);
    },
  },
  {
    title: 'Walk',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      const root = { 'containerd.io/gc.root': 'check-walk' };
      const o = { labels: root };
      await sn.prepare('a-np', '', o);
      await sn.prepare('p-tmp', '', o);
      await sn.commit('p', 'p-tmp', o);
      await sn.prepare('a', 'p', o);
      await sn.view('v', 'p', o);
      await sn.prepare('p-wl-tmp', '', o);
      await sn.commit('p-wl', 'p-wl-tmp', { labels: { l: '1', ...root } });
      await sn.prepare('a-wl', 'p-wl', { labels: { l: '2', ...root } });
      await sn.view('v-wl', 'p-wl', { labels: { l: '3', ...root } });
      await sn.prepare('a-np-wl', '', { labels: { l: '2', ...root } });
      const cases: Array<[string[], string[]]> = [
        [['labels."containerd.io/gc.root"==check-walk'], ['a-np', 'p', 'a', 'v', 'p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
        [['kind==active,labels."containerd.io/gc.root"==check-walk'], ['a-np', 'a', 'a-wl', 'a-np-wl']],
        [['kind==view,labels."containerd.io/gc.root"==check-walk'], ['v', 'v-wl']],
        [['kind==committed,labels."containerd.io/gc.root"==check-walk'], ['p', 'p-wl']],
        [['name==p', 'name==a-np-wl'], ['p', 'a-np-wl']],
        [['name==a-wl,labels.l'], ['a-wl']],
        [['parent==p'], ['a', 'v']],
        [['parent!="",labels."containerd.io/gc.root"==check-walk'], ['a', 'v', 'a-wl', 'v-wl']],
        [['labels.l'], ['p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
        [['labels.l==2'], ['a-wl', 'a-np-wl']],
      ];
      for (const [filters, matches] of cases) {
        t.deepEqual(await walkNames(sn, ...filters), [...matches].sort(), JSON.stringify(filters));
      }
      for (const bad of ['kind=', 'name==a b', 'labels.', 'name=="open', ',']) {
        let called = false;
        const err = await rejection(t, sn.walk(() => void (called = true), bad), `walk with ${bad}`);
        t.true(isInvalidArgument(err), `${JSON.stringify(bad)} is InvalidArgument`);
        t.false(called, 'no callback before a filter error');
      }
    },
  },
  {
    title: 'StatInWalk',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      const prefix = 'stats-in-walk-';
      await sn.prepare(`${prefix}c1-a`, '', opt);
      await sn.commit(`${prefix}c1`, `${prefix}c1-a`, opt);
      await sn.prepare(`${prefix}c2-a`, `${prefix}c1`, opt);
      await sn.commit(`${prefix}c2`, `${prefix}c2-a`, opt);
      await sn.prepare(`${prefix}a1`, `${prefix}c2`, opt);
      await sn.view(`${prefix}v1`, `${prefix}c2`, opt);
      let seen = 0;
      await sn.walk(async (info) => {
        if (!info.name.startsWith(prefix)) return;
        seen++;
        sameInfo(t, info, await sn.stat(info.name), info.name);
      });
      t.is(seen, 4);
    },
  },
  {
    title: 'CloseTwice',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      const n = `closeTwice-${Math.floor(Math.random() * 1e9)}`;
      await sn.prepare(`${n}-prepare`, '', opt);
      await sn.commit(n, `${n}-prepare`, opt);
      await sn.remove(n);
      await sn.close();
      await sn.close();
      t.pass();
    },
  },
  {
    title: 'Labels',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      await sn.prepare('lbl-a', '', { labels: { a: '1', 'containerd.io/snapshot/x': 'y' } });
      t.deepEqual((await sn.stat('lbl-a')).labels, { a: '1', 'containerd.io/snapshot/x': 'y' });
      await sn.view('lbl-v', '', { labels: { v: '1' } });
      t.deepEqual((await sn.stat('lbl-v')).labels, { v: '1' });
      await sn.prepare('lbl-none');
      t.deepEqual((await sn.stat('lbl-none')).labels, {});
      await sn.commit('lbl-c', 'lbl-a', { labels: { c: '2' } });
      t.deepEqual((await sn.stat('lbl-c')).labels, { c: '2' }, 'commit keeps only the labels it is given');
      await sn.commit('lbl-c2', 'lbl-none');
      t.deepEqual((await sn.stat('lbl-c2')).labels, {});
      const info = await sn.update({ name: 'lbl-c', labels: { c: '3', d: '4' } });
      t.deepEqual(info.labels, { c: '3', d: '4' });
      t.deepEqual((await sn.stat('lbl-c')).labels, { c: '3', d: '4' });
      const big = { k: 'v'.repeat(4096) };
      t.true(isInvalidArgument(await rejection(t, sn.prepare('lbl-big', '', { labels: big }), 'oversized label')));
      t.true(isInvalidArgument(await rejection(t, sn.update({ name: 'lbl-c', labels: big }), 'oversized label update')));
      t.deepEqual((await sn.stat('lbl-c')).labels, { c: '3', d: '4' });
      t.true(isNotFound(await rejection(t, sn.stat('lbl-big'), 'stat of a rejected prepare')));
    },
  },
  {
    title: 'ParentAndKeyErrors',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      await sn.prepare('pk-active', '', opt);
      await sn.view('pk-view', '', opt);
      await sn.prepare('pk-c-a', '', opt);
      await sn.commit('pk-c', 'pk-c-a', opt);
      const cases: Array<[string, () => Promise<unknown>, (e: unknown) => boolean]> = [
        ['prepare on a missing parent', () => sn.prepare('pk-x', 'missing', opt), isNotFound],
        ['view on a missing parent', () => sn.view('pk-x', 'missing', opt), isNotFound],
        ['prepare on an active parent', () => sn.prepare('pk-x', 'pk-active', opt), isInvalidArgument],
        ['view on a view parent', () => sn.view('pk-x', 'pk-view', opt), isInvalidArgument],
        ['commit of a missing key', () => sn.commit('pk-x', 'missing', opt), isNotFound],
        ['commit of a view', () => sn.commit('pk-x', 'pk-view', opt), isFailedPrecondition],
        ['commit of a committed snapshot', () => sn.commit('pk-x', 'pk-c', opt), isFailedPrecondition],
        ['commit onto an existing name', () => sn.commit('pk-c', 'pk-active', opt), isAlreadyExists],
        ['mounts of a committed snapshot', () => sn.mounts('pk-c'), isFailedPrecondition],
        ['mounts of a missing key', () => sn.mounts('missing'), isNotFound],
        ['stat of a missing key', () => sn.stat('missing'), isNotFound],
        ['usage of a missing key', () => sn.usage('missing'), isNotFound],
        ['remove of a missing key', () => sn.remove('missing'), isNotFound],
      ];
      // Each call starts when its turn comes: a rejection nobody awaits yet would be unhandled.
      for (const [what, call, predicate] of cases) {
        const err = await rejection(t, call(), what);
        t.true(predicate(err), `${what}: got ${String(err)}`);
      }
      t.deepEqual(await walkNames(sn), ['pk-active', 'pk-c', 'pk-view']);
      t.is((await sn.stat('pk-active')).kind, 'active', 'failed commit left the active snapshot alone');
      t.is((await sn.mounts('pk-active')).length > 0, true);
      t.is((await sn.mounts('pk-view')).length > 0, true);
    },
  },
  {
    title: 'BadInputChangesNothing',
    mounts: false,
    async run({ t, snapshotter: sn, root }) {
      await sn.prepare('bi-a', '', opt);
      await sn.commit('bi-c', 'bi-a', opt);
      await sn.prepare('bi-active', 'bi-c', opt);
      const before = await listTree(root);
      const badKeys = ['', 'k'.repeat(4097), 'a/b', '/abs', 'a\\b', '..', '../escape', 'x/../y', '.', 'nul\u0000'];
      for (const key of badKeys) {
        const shown = JSON.stringify(key.length > 20 ? `${key.slice(0, 10)}…(${key.length})` : key);
        t.true(isInvalidArgument(await rejection(t, sn.prepare(key, '', opt), `prepare ${shown}`)), `prepare ${shown}`);
        t.true(isInvalidArgument(await rejection(t, sn.view(key, 'bi-c', opt), `view ${shown}`)), `view ${shown}`);
        if (key !== '') {
          t.true(isInvalidArgument(await rejection(t, sn.commit(key, 'bi-active', opt), `commit as ${shown}`)), `commit as ${shown}`);
        }
      }
      t.true(isAlreadyExists(await rejection(t, sn.prepare('bi-active', 'bi-c', opt), 'prepare of an existing key')));
      t.true(isAlreadyExists(await rejection(t, sn.view('bi-c', '', opt), 'view over a committed name')));
      t.true(isInvalidArgument(await rejection(t, sn.walk(() => undefined, 'kind~~active'), 'unknown filter syntax')));
      await sn.prepare('bi-twice', 'bi-c', opt);
      await sn.commit('bi-twice-c', 'bi-twice', opt);
      const afterFirst = await listTree(root);
      const err = await rejection(t, sn.commit('bi-twice-c', 'bi-twice', opt), 'second commit');
      // The name is checked before the key (containerd's storage does the same).
      t.true(isAlreadyExists(err), `double commit is AlreadyExists: ${String(err)}`);
      t.deepEqual(await listTree(root), afterFirst, 'double commit changed nothing on disk');
      await sn.remove('bi-twice-c');
      t.deepEqual(await listTree(root), before, 'rejected requests changed nothing on disk');
      t.deepEqual(await walkNames(sn), ['bi-active', 'bi-c']);
    },
  },
  {
    title: 'ConcurrentPrepareSameKey',
    mounts: false,
    async run({ t, snapshotter: sn }) {
      await sn.prepare('cc-a', '', opt);
      await sn.commit('cc', 'cc-a', opt);
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => sn.prepare('cc-same', 'cc', opt)));
      t.is(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one prepare wins');
      for (const r of results) if (r.status === 'rejected') t.true(isAlreadyExists(r.reason), String(r.reason));
      t.deepEqual(await walkNames(sn, 'parent==cc'), ['cc-same']);
    },
  },
];

/** The entries under `dir` (names and types, not the metadata database files). */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => `${e.parentPath ?? (e as unknown as { path: string }).path}/${e.name}${e.isDirectory() ? '/' : ''}`.slice(dir.length))
    .filter((p) => !/metadata\.db/.test(p))
    .sort();
}
