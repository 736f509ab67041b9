import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { MetaStore } from '@proj/snapshots';
import { SANDBOX_FILE, createLcowSnapshotter, ext4VhdxScratchCreator } from '@proj/snapshots-lcow';
import { tempRoot } from '@proj/testkit';
import { qemuImgCheck } from './helpers/qemu.js';

const churn = fileURLToPath(new URL('fixtures/churn.mjs', import.meta.url));

/**
 * Starts the churning child, lets it work for `ms` after it is ready, then SIGKILLs it (by
 * pid). Resolves with the number of rounds it completed.
 */
async function runAndKill(root: string, ms: number): Promise<number> {
  const child = spawn(process.execPath, [churn, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`churn exited early with ${code}`)));
    child.stdout.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  let rounds = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    rounds += chunk.toString().split('.').length - 1;
  });
  await sleep(ms);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return rounds;
}

test('killed mid-operation 6 times, the store reopens consistent and cleanup leaves exactly the owned directories', async (t) => {
  const root = await tempRoot(t);
  let rounds = 0;
  for (const ms of [150, 400, 250, 700, 330, 520]) rounds += await runAndKill(root, ms);
  t.true(rounds > 3, `the child made progress: ${rounds} rounds`);

  const sn = await createLcowSnapshotter(root, { scratchCreator: ext4VhdxScratchCreator({ sizeBytes: 16 * 1024 * 1024 }) });
  await sn.cleanup();
  const names: string[] = [];
  await sn.walk((info) => {
    names.push(info.name);
  });
  await sn.close();

  const store = await MetaStore.open(join(root, 'metadata.db'));
  const ids = store.read((tx) => tx.idMap());
  const kinds = store.read((tx) => new Map([...ids].map(([id, key]) => [id, tx.getInfo(key).info.kind])));
  await store.close();

  const dirs = (await readdir(join(root, 'snapshots'))).sort();
  t.deepEqual(dirs, [...ids.keys()].sort(), 'one directory per snapshot, nothing else');
  for (const [id, kind] of kinds) {
    if (kind === 'view') continue;
    const sandbox = join(root, 'snapshots', id, SANDBOX_FILE);
    t.truthy(await stat(sandbox), `${kind} ${id} has its sandbox`);
    t.regex(await qemuImgCheck(sandbox), /No errors were found/, `${kind} ${id}: a complete VHDX`);
  }
  t.regex(await qemuImgCheck(join(root, 'scratch.vhdx')), /No errors were found/);
  t.deepEqual((await readdir(root)).filter((n) => /^scratch-/.test(n)), [], 'no half-made scratch once one exists');
});
