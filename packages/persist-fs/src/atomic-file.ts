import { randomBytes } from 'node:crypto';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '@proj/errdefs';

/** The name every store file has. */
export const persistFile = 'persist.json';

/** File permission bits of a `persist.json` (kata's 0640). */
export const fileMode = 0o640;

/** Directory permission bits of sandbox and container directories (kata's 0700). */
export const dirMode = 0o700;

const tempPattern = /^\.persist\.json\.[0-9]+\.[0-9a-f]+\.tmp$/;

/** A fresh temp file name next to `persist.json` in `dir`: hidden, so never an identifier. */
export function tempPath(dir: string): string {
  return join(dir, `.${persistFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to a new file at `path` (which must not exist) and flushes it to disk. */
export async function writeSynced(path: string, data: string): Promise<void> {
  const handle = await open(path, 'wx', fileMode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes the directory entry changes (renames, unlinks) of `dir` to disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temp files that writers killed mid-write left in `dir`. Only safe under the sandbox's
 * exclusive lock, when no live writer can own one.
 */
export async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return;
    throw err;
  }
  for (const name of names) {
    if (tempPattern.test(name)) await rm(join(dir, name), { force: true });
  }
}
