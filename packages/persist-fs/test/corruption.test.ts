import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isDataLoss, isFailedPrecondition, isNotFound } from '@proj/errdefs';
import { PersistStore } from '@proj/persist-fs';
import { tempRoot } from '@proj/testkit';
import { containerState, sandboxState } from './helpers/states.js';

async function written(t: Parameters<typeof tempRoot>[0]) {
  const root = join(await tempRoot(t, 'proj-persist-'), 'persist');
  const store = new PersistStore({ root });
  await store.toDisk(sandboxState(), { c1: containerState('c1') });
  const sandboxFile = join(store.sandboxDir('sb1'), 'persist.json');
  const containerFile = join(store.sandboxDir('sb1'), 'c1', 'persist.json');
  return { store, sandboxFile, containerFile, text: await readFile(sandboxFile, 'utf8') };
}

test('every truncation of the sandbox file is DataLoss naming the file, never a crash or empty state', async (t) => {
  const { store, sandboxFile, text } = await written(t);
  // The last byte is the trailing newline; without it the document is still whole.
  for (let length = 0; length < text.length - 1; length++) {
    await writeFile(sandboxFile, text.slice(0, length));
    const error = await t.throwsAsync(store.fromDisk('sb1'));
    if (!isDataLoss(error) || !error!.message.includes(sandboxFile)) {
      t.fail(`truncated to ${length} bytes: ${error?.name}: ${error?.message}`);
      return;
    }
  }
  t.pass();
});

test('every truncation of a container file is DataLoss naming that file', async (t) => {
  const { store, containerFile } = await written(t);
  const text = await readFile(containerFile, 'utf8');
  for (let length = 0; length < text.length - 1; length += 7) {
    await writeFile(containerFile, text.slice(0, length));
    const error = await t.throwsAsync(store.fromDisk('sb1'));
    t.true(isDataLoss(error), `${length}: ${error?.message}`);
    t.true(error!.message.includes(containerFile), error!.message);
  }
});

const corruptions: Array<[string, (text: string) => string, RegExp]> = [
  ['garbage bytes', () => '\u0000\u0001binary garbage\u00ff', /is not valid JSON/],
  ['an empty file', () => '', /is empty \(truncated\?\)/],
  ['a JSON array', () => '[1,2,3]', /expected a JSON object/],
  ['a flipped character', (text) => text.replace('"running"', '"runnin"'), /state\.status: expected one of/],
  ['a missing field', (text) => text.replace(/"namespace": "default",\n\s*/, ''), /state\.namespace: expected a string, got nothing/],
  ['a wrong type', (text) => text.replace('"pid": 4242', '"pid": "4242"'), /state\.shim\.pid: expected an integer >= 1/],
  ['an unknown field', (text) => text.replace('"status"', '"extra": 1, "status"'), /state\.extra: unknown field/],
  ['the wrong kind', (text) => text.replace('"kind": "sandbox"', '"kind": "container"'), /holds a "container" document where a "sandbox" one belongs/],
];

for (const [what, corrupt, message] of corruptions) {
  test(`${what} in persist.json is DataLoss naming the file`, async (t) => {
    const { store, sandboxFile, text } = await written(t);
    await writeFile(sandboxFile, corrupt(text));
    const error = await t.throwsAsync(store.fromDisk('sb1'));
    t.true(isDataLoss(error), `${error?.name}: ${error?.message}`);
    t.true(error!.message.startsWith(sandboxFile), error!.message);
    t.regex(error!.message, message);
  });
}

test('a newer schema version is refused clearly (FailedPrecondition naming the file and both versions)', async (t) => {
  const { store, sandboxFile, text } = await written(t);
  await writeFile(sandboxFile, text.replace('"schemaVersion": 1', '"schemaVersion": 2'));
  const error = await t.throwsAsync(store.fromDisk('sb1'));
  t.true(isFailedPrecondition(error), error?.message);
  t.is(
    error!.message,
    `${sandboxFile} has schema version 2, newer than version 1 that this @proj/persist-fs reads; it was written by a newer release: upgrade, or remove the state`,
  );
});

for (const version of ['0', '"1"', '1.5', 'null', '-3']) {
  test(`an unknown schema version ${version} is refused clearly`, async (t) => {
    const { store, containerFile } = await written(t);
    const text = await readFile(containerFile, 'utf8');
    await writeFile(containerFile, text.replace('"schemaVersion": 1', `"schemaVersion": ${version}`));
    const error = await t.throwsAsync(store.fromDisk('sb1'));
    t.true(isFailedPrecondition(error), error?.message);
    t.true(error!.message.startsWith(`${containerFile} has an unknown schema version`), error!.message);
  });
}

test('a document with no schema version is refused clearly', async (t) => {
  const { store, sandboxFile, text } = await written(t);
  await writeFile(sandboxFile, text.replace('"schemaVersion": 1,', ''));
  const error = await t.throwsAsync(store.fromDisk('sb1'));
  t.true(isFailedPrecondition(error));
  t.regex(error!.message, /unknown schema version \(none\)/);
});

test('a sandbox file moved to another sandbox directory is refused, not returned under the wrong id', async (t) => {
  const { store, text } = await written(t);
  await store.toDisk(sandboxState('sb2'));
  await writeFile(join(store.sandboxDir('sb2'), 'persist.json'), text);
  const error = await t.throwsAsync(store.fromDisk('sb2'));
  t.true(isFailedPrecondition(error));
  t.regex(error!.message, /holds sandbox "sb1", not "sb2"/);
});

test('after a corrupted file is rewritten by toDisk, fromDisk works again', async (t) => {
  const { store, sandboxFile } = await written(t);
  await writeFile(sandboxFile, '{"schemaVersion": 1, "kind": "sandb');
  await store.toDisk(sandboxState(), { c1: containerState('c1') });
  t.deepEqual((await store.fromDisk('sb1')).sandbox, sandboxState());
  await store.destroy('sb1');
  t.true(isNotFound(await t.throwsAsync(store.fromDisk('sb1'))));
});
