import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoOf } from '@proj/errdefs';

/**
 * Removes `path` so that it is never seen half-deleted under its own name: it is first renamed
 * to a hidden sibling (`.<name>`), then removed recursively. A missing `path` is not an error.
 * A hidden sibling left by an earlier, interrupted delete is removed first.
 */
export async function atomicDelete(path: string): Promise<void> {
  const hidden = join(dirname(path), `.${basename(path)}`);
  try {
    await rename(path, hidden);
  } catch (err) {
    const errno = errnoOf(err);
    if (errno === 'ENOENT') return;
    if (errno !== 'ENOTEMPTY' && errno !== 'EEXIST' && errno !== 'ENOTDIR' && errno !== 'EISDIR') throw err;
    await rm(hidden, { recursive: true, force: true });
    await rename(path, hidden);
  }
  await rm(hidden, { recursive: true, force: true });
}
