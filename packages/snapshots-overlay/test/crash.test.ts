import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Info, SnapshotLabels } from '@proj/snapshots';
import { type OverlaySnapshotter, createOverlaySnapshotter } from '@proj/snapshots-overlay';
import test, { type ExecutionContext } from 'ava';

const child = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-child.ts');

async function setup(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'proj-overlay-crash-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  const sn = await createOverlaySnapshotter(root, { upperdirLabel: true });
  await sn.prepare('base-a');
  await writeFile(join(upper(await sn.stat('base-a')), 'base-file'), 'base');
  await sn.commit('base', 'base-a');
  await sn.prepare('work-a', 'base');
  const work = upper(await sn.stat('work-a'));
  for (let i = 0; i < 50; i++) await writeFile(join(work, `f${i}`), `content ${i}`);
  await sn.prepare('leaf-a', 'base');
  await writeFile(join(upper(await sn.stat('leaf-a')), 'leaf-file'), 'leaf');
  await sn.commit('leaf', 'leaf-a');
  await sn.view('v', 'base');
  await sn.close();
  return root;
}

function upper(info: Info): string {
  const path = info.labels[SnapshotLabels.overlayUpperdir];
  if (!path) throw new Error(`no upperdir label on ${info.name}`);
  return path;
}

function runChild(args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) {
      proc.on('message', () => {
        timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
      });
    }
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Reopens the store and checks metadata and directories agree; returns the snapshot names. */
async function checkConsistent(t: ExecutionContext, root: string): Promise<{ sn: OverlaySnapshotter; names: string[] }> {
  const sn = await createOverlaySnapshotter(root, { upperdirLabel: true });
  t.teardown(() => sn.close());
  const infos: Info[] = [];
  await sn.walk((info) => void infos.push(info));
  const ids = new Set<string>();
  for (const info of infos) {
    const fs = upper(info);
    t.true(existsSync(fs), `${info.name} is listed and has its directory ${fs}`);
    if (info.kind === 'active') t.true(existsSync(join(dirname(fs), 'work')), `${info.name} has its work dir`);
    ids.add(dirname(fs).split('/').at(-1) as string);
  }
  await sn.cleanup();
  const left = (await readdir(sn.layout.snapshots)).sort();
  t.deepEqual(left, [...ids].sort(), 'after cleanup exactly the listed snapshots have directories');
  // The store still works.
  await sn.prepare('after-crash-a', 'base');
  await sn.commit('after-crash', 'after-crash-a');
  await sn.remove('after-crash');
  return { sn, names: infos.map((i) => i.name).sort() };
}

const cases: Array<[op: string, step: string, expected: string[]]> = [
  ['commit', 'commit:measured', ['base', 'leaf', 'v', 'work-a']],
  ['commit', 'commit:in-transaction', ['base', 'leaf', 'v', 'work-a']],
  ['commit', 'commit:committed', ['base', 'leaf', 'v', 'work-c']],
  ['remove', 'remove:renamed', ['base', 'leaf', 'v', 'work-a']],
  ['remove', 'remove:committed', ['base', 'v', 'work-a']],
  ['remove', 'remove:deleting', ['base', 'v', 'work-a']],
  ['prepare', 'prepare:renamed', ['base', 'leaf', 'v', 'work-a']],
];

for (const [op, step, expected] of cases) {
  test(`killed at ${step}: reopened store is consistent and the ${op} happened wholly or not at all`, async (t) => {
    const root = await setup(t);
    const { signal } = await runChild([root, op, step]);
    t.is(signal, 'SIGKILL', `the child reached ${step}`);
    const { sn, names } = await checkConsistent(t, root);
    t.deepEqual(names, expected);
    if (names.includes('work-c')) {
      t.deepEqual((await readdir(upper(await sn.stat('work-c')))).length, 50, 'committed data intact');
    }
    if (names.includes('leaf')) {
      t.deepEqual(await readdir(upper(await sn.stat('leaf'))), ['leaf-file'], 'a removal that did not commit left the data');
    }
  });
}

for (const delay of [15, 60, 150]) {
  test(`killed at a random point of a prepare/commit/view/remove loop (after ${delay} ms): consistent`, async (t) => {
    const root = await setup(t);
    const { signal } = await runChild([root, 'loop', 'loop'], delay);
    t.is(signal, 'SIGKILL');
    const { names } = await checkConsistent(t, root);
    t.true(names.includes('base'));
  });
}
