import { join } from 'node:path';

/** Prefix of a snapshot directory being created (before it is renamed to its id). */
export const newPrefix = '.new-';
/** Prefix of a snapshot directory being removed (renamed away inside the remove transaction). */
export const removingPrefix = '.removing-';

/** Paths of the overlay snapshotter's layout: `root/metadata.db`, `root/snapshots/<id>/{fs,work}`. */
export class Layout {
  /** @param root The snapshotter's root directory. */
  constructor(readonly root: string) {}

  /** `root/metadata.db`, the LMDB file. */
  get metadata(): string {
    return join(this.root, 'metadata.db');
  }

  /** `root/snapshots`, one directory per snapshot id. */
  get snapshots(): string {
    return join(this.root, 'snapshots');
  }

  /** `root/snapshots/<id>`. */
  dir(id: string): string {
    return join(this.root, 'snapshots', id);
  }

  /** `root/snapshots/<id>/fs`: the layer's files (the overlay upper dir). */
  upper(id: string): string {
    return join(this.root, 'snapshots', id, 'fs');
  }

  /** `root/snapshots/<id>/work`: the overlay work dir of an active snapshot. */
  work(id: string): string {
    return join(this.root, 'snapshots', id, 'work');
  }

  /** `root/snapshots/.removing-<id>`: where remove moves a directory inside its transaction. */
  removing(id: string): string {
    return join(this.root, 'snapshots', `${removingPrefix}${id}`);
  }
}

/** The snapshot id a directory name in `snapshots/` belongs to, if any. */
export function idOfEntry(name: string): number | undefined {
  const m = /^(?:\.new-|\.removing-)?(\d+)(?:-[\w]+)?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
