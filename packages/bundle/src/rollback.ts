import { rm, rmdir } from 'node:fs/promises';
import { errnoOf } from '@proj/errdefs';

interface Created {
  path: string;
  /** `tree`: ours entirely, removed recursively. `dir`: a parent we made; removed only if empty. */
  kind: 'tree' | 'dir';
}

/**
 * Remembers every path an operation created, so a failure can remove exactly those and nothing
 * else. Parents are removed only when empty, because a concurrent operation may have put
 * something of its own in a parent this one created.
 */
export class Rollback {
  readonly #created: Created[] = [];

  /** Records a path that belongs to this operation alone (removed recursively on rollback). */
  tree(path: string): void {
    this.#created.push({ path, kind: 'tree' });
  }

  /** Records a parent directory this operation created (removed on rollback only if empty). */
  dir(path: string): void {
    this.#created.push({ path, kind: 'dir' });
  }

  /** Removes what was recorded, newest first. Returns the failures; never throws. */
  async run(): Promise<Error[]> {
    const failures: Error[] = [];
    for (const { path, kind } of this.#created.reverse()) {
      try {
        if (kind === 'tree') await rm(path, { recursive: true, force: true });
        else await rmdir(path);
      } catch (err) {
        const errno = errnoOf(err);
        if (errno === 'ENOENT' || (kind === 'dir' && (errno === 'ENOTEMPTY' || errno === 'EEXIST'))) continue;
        failures.push(err as Error);
      }
    }
    this.#created.length = 0;
    return failures;
  }
}
