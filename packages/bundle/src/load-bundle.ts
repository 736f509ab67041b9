import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, NotFoundError, errnoOf, fromSystemError } from '@proj/errdefs';
import { Bundle } from './bundle.js';
import { validateIdentifier } from '@proj/identifiers';

/** What {@link loadBundle} needs. */
export interface LoadBundleOptions {
  /** The runtime plugin's state dir, as given to `newBundle`. */
  state: string;
  /** The runtime plugin's root dir; lets `delete()` find the work dir even if the `work` link is gone. */
  root?: string;
  /** The task's namespace; required. */
  namespace: string | undefined;
  /** The task id. */
  id: string;
}

/**
 * Opens the existing bundle `<state>/<ns>/<id>` (after a daemon restart, or to delete it).
 *
 * @throws InvalidArgumentError for an invalid id or a missing namespace; NotFoundError when there
 *   is no such bundle
 */
export async function loadBundle(options: LoadBundleOptions): Promise<Bundle> {
  const { id, namespace } = options;
  validateIdentifier(id, 'task id');
  if (namespace === undefined || namespace === null || namespace === '') {
    throw new InvalidArgumentError(`a namespace is required to load the bundle of task id "${id}"`);
  }
  validateIdentifier(namespace, `namespace for task id "${id}"`);
  const path = join(resolve(options.state), namespace, id);
  try {
    const info = await stat(path);
    if (!info.isDirectory()) throw new NotFoundError(`bundle ${path} of task "${id}" is not a directory`);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') {
      throw new NotFoundError(`bundle of task "${id}" in namespace "${namespace}" does not exist (${path})`, { cause: err });
    }
    throw fromSystemError(err, `open bundle ${path}`);
  }
  const workPath = options.root === undefined ? undefined : join(resolve(options.root), namespace, id);
  return new Bundle({ id, namespace, path, workPath });
}
