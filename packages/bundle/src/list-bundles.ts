import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errnoOf, fromSystemError } from '@proj/errdefs';
import { identifierPattern, maxIdentifierLength } from '@proj/identifiers';

/** A bundle found on disk by {@link listBundles}. */
export interface BundleEntry {
  /** The task's namespace. */
  namespace: string;
  /** The task id. */
  id: string;
  /** The bundle directory, `<state>/<ns>/<id>`. */
  path: string;
}

const isIdentifier = (name: string): boolean => name.length <= maxIdentifierLength && identifierPattern.test(name);

/**
 * The bundles under the runtime's state dir, as the daemon scans them at start-up to reconnect
 * to its shims (`loadBundle` each, then read its `address`). Only directories named by valid
 * identifiers count: the hidden `.<id>` left by an interrupted delete and stray files are
 * skipped. Sorted by namespace, then id; an absent state dir has no bundles.
 */
export async function listBundles(state: string): Promise<BundleEntry[]> {
  const root = resolve(state);
  const entries: BundleEntry[] = [];
  for (const namespace of await directories(root)) {
    if (!isIdentifier(namespace)) continue;
    for (const id of await directories(join(root, namespace))) {
      if (isIdentifier(id)) entries.push({ namespace, id, path: join(root, namespace, id) });
    }
  }
  return entries;
}

async function directories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return [];
    throw fromSystemError(err, `list bundles in ${dir}`);
  }
}
