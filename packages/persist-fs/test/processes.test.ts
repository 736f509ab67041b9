import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { isNotFound } from '@proj/errdefs';
import { PersistStore } from '@proj/persist-fs';
import { tempRoot } from '@proj/testkit';
import { kill, nextLine, runWriter, startWriter } from './helpers/child.js';
import { containerState, sandboxState } from './helpers/states.js';

test('restore after a restart: state written by one process is read back exactly by another', async (t) => {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const sandbox = sandboxState();
  const containers = { c1: containerState('c1'), c2: containerState('c2', 'b', false) };
  await runWriter(['write', root, 'sb1', JSON.stringify({ sandbox, containers })]);
  const restored = await new PersistStore({ root }).fromDisk('sb1');
  t.deepEqual(restored.sandbox, sandbox);
  t.deepEqual(Object.fromEntries(restored.containers), containers);
  // And the other way round: this process writes, a fresh process reads.
  await new PersistStore({ root }).toDisk(sandboxState('sb2', 'z'), { c3: containerState('c3', 'z') });
  const read = JSON.parse(await runWriter(['read', root, 'sb2']));
  t.deepEqual(read, { sandbox: sandboxState('sb2', 'z'), containers: { c3: containerState('c3', 'z') } });
});

// Serial: the timing-sensitive tests must not compete with each other for the two cores.
test.serial('two processes writing the same sandbox at once: exactly one gets "locked", the other state is complete', async (t) => {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const rounds = 3;
  for (let round = 0; round < rounds; round++) {
    const writers = ['left', 'right'].map((tag) => startWriter(t, ['race', root, 'sb1', `${tag}-${round}`, '1500']));
    for (const writer of writers) t.is(await nextLine(writer), 'ready');
    const results = writers.map((writer) => nextLine(writer));
    // Both are released at the same moment; whoever locks first holds the lock for 1.5 s, far
    // longer than the gap between the two attempts, so the other one must find it held.
    for (const writer of writers) writer.stdin!.write('go\n');
    const outcomes = (await Promise.all(results)).map((line) => JSON.parse(line) as { ok: boolean; code?: string; message?: string });
    const winners = outcomes.filter((outcome) => outcome.ok);
    const losers = outcomes.filter((outcome) => !outcome.ok);
    t.is(winners.length, 1, JSON.stringify(outcomes));
    t.is(losers.length, 1, JSON.stringify(outcomes));
    t.is(losers[0]!.code, 'Unavailable');
    t.regex(losers[0]!.message!, /sandbox "sb1" is locked: another process is writing/);
    const winnerTag = `${outcomes[0]!.ok ? 'left' : 'right'}-${round}`;
    const restored = await new PersistStore({ root }).fromDisk('sb1');
    t.is(restored.sandbox.labels.tag, winnerTag);
    t.deepEqual([...restored.containers.keys()], ['c1', 'c2', 'c3', 'c4']);
    for (const container of restored.containers.values()) t.is(container.annotations.tag, winnerTag);
  }
});

test.serial('a writer killed at random points, many rounds, never leaves a truncated persist.json', async (t) => {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const store = new PersistStore({ root });
  const rounds = 60;
  let roundsWithTemps = 0;
  let lastGeneration = 0;
  for (let round = 0; round < rounds; round++) {
    const writer = startWriter(t, ['loop', root, 'sb1', '65536', String((round + 1) * 1_000_000)]);
    t.is(await nextLine(writer), 'ready');
    await sleep(Math.random() * 40);
    await kill(writer);
    const dir = store.sandboxDir('sb1');
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.some((name) => name.endsWith('.tmp'))) roundsWithTemps++;
    let restored;
    try {
      restored = await store.fromDisk('sb1');
    } catch (err) {
      // Only acceptable before anything was ever committed.
      t.true(isNotFound(err) && lastGeneration === 0, `round ${round}: ${(err as Error).message}`);
      continue;
    }
    // Every file there is whole: it parsed and validated, and its payload is complete.
    t.is((restored.sandbox.extensions?.payload as string).length, 65536);
    for (const container of restored.containers.values()) t.is((container.extensions?.payload as string).length, 65536);
    for (const name of ['persist.json', 'c1/persist.json']) {
      const text = await readFile(join(dir, name), 'utf8');
      t.true(text.endsWith('}\n'), `round ${round}: ${name} ends with ${JSON.stringify(text.slice(-10))}`);
    }
    // Never an older state than one already read: a rename is all or nothing.
    const generation = Number(restored.sandbox.labels.tag);
    t.true(generation >= lastGeneration, `round ${round}: generation ${generation} after ${lastGeneration}`);
    lastGeneration = generation;
  }
  t.log(`${rounds} kills; ${roundsWithTemps} landed while a temp file was being written; last generation read ${lastGeneration} (round * 1e6 + writes in that round)`);
  t.true(roundsWithTemps > 0, 'no kill landed mid-write: the test proved nothing');
  // The next write clears what the killed writers left.
  await store.toDisk(sandboxState());
  const left = await readdir(store.sandboxDir('sb1'), { recursive: true });
  t.deepEqual(left.filter((name) => String(name).endsWith('.tmp')), []);
});
