import { create } from '@bufbuild/protobuf';
import { types } from '@proj/api';

/** A mount as snapshotters return it and tasks take it (`mount -t type source target -o options`). */
export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}

/** Converts wire mounts to {@link Mount}s. */
export function fromWireMounts(mounts: types.Mount[]): Mount[] {
  return mounts.map((m) => ({ type: m.type, source: m.source, ...(m.target ? { target: m.target } : {}), options: [...m.options] }));
}

/** Converts {@link Mount}s to wire mounts. */
export function toWireMounts(mounts: readonly Mount[]): types.Mount[] {
  return mounts.map((m) => create(types.MountSchema, { type: m.type, source: m.source, target: m.target ?? '', options: [...m.options] }));
}
