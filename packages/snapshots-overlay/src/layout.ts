import { join } from 'node:path';

/** Prefix of a snapshot directory being created (before it is renamed to its id). */
export const newPrefix = '.new-';
/** Prefix of a snapshot directory being removed (renamed away inside the remove transaction). */
export const removingPrefix = '.removing-';

/** Paths of the overlay snapshotter's layout: `root/metadata.db`, `root/snapshots/<id>/{fs,work}`. */
export class Layout {
  constructor(readonly root: string) {}

  get metadata(): string {
    return join(this.root, 'metadata.db');
  }

  get snapshots(): string {
    return join(this.root, 'snapshots');
  }

  dir(id: string): string {
    return join(this.root, 'snapshots', id);
  }

  upper(id: string): string {
    return join(this.root, 'snapshots', id, 'fs');
  }

  work(id: string): string {
    return join(this.root, 'snapshots', id, 'work');
  }

  removing(id: string): string {
    return join(this.root, 'snapshots', `${removingPrefix}${id}`);
  }
}

/** The snapshot id a directory name in `snapshots/` belongs to, if any. */
export function idOfEntry(name: string): number | undefined {
  const m = /^(?:\.new-|\.removing-)?(\d+)(?:-[\w]+)?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
