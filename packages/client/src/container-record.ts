import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { type containersV1, fromTimestamp, packJsonAny, runtimeSpecTypeUrl, unpackJsonAny, zeroTimestamp } from '@proj/api';
import type { Spec } from './spec-types.js';

/** What the Containers service stores about a container. */
export interface ContainerRecord {
  id: string;
  labels: Record<string, string>;
  /** Name of the image it was made from; empty for none. */
  image: string;
  /** Runtime name (e.g. `io.containerd.runc.v2`) and its options. */
  runtime: { name: string; options?: Any };
  /** The OCI runtime spec. */
  spec?: Spec;
  /** Snapshotter of the root filesystem; empty for none. */
  snapshotter: string;
  /** Snapshot key of the root filesystem; empty for none. */
  snapshotKey: string;
  createdAt?: Date;
  updatedAt?: Date;
  /** Client-defined extensions. */
  extensions: Record<string, Any>;
}

/** Converts a wire container to a {@link ContainerRecord}. */
export function fromWireContainer(c: containersV1.Container | undefined): ContainerRecord {
  const out: ContainerRecord = {
    id: c?.id ?? '',
    labels: { ...(c?.labels ?? {}) },
    image: c?.image ?? '',
    runtime: { name: c?.runtime?.name ?? '', ...(c?.runtime?.options ? { options: c.runtime.options } : {}) },
    snapshotter: c?.snapshotter ?? '',
    snapshotKey: c?.snapshotKey ?? '',
    extensions: { ...(c?.extensions ?? {}) },
  };
  if (c?.spec && c.spec.value.length > 0) out.spec = unpackJsonAny<Spec>(c.spec);
  const created = fromTimestamp(c?.createdAt);
  const updated = fromTimestamp(c?.updatedAt);
  if (created) out.createdAt = created;
  if (updated) out.updatedAt = updated;
  return out;
}

/** Converts a {@link ContainerRecord} to its wire form (zero times, as the Go client sends). */
export function toWireContainer(r: ContainerRecord): MessageInitShape<typeof containersV1.ContainerSchema> {
  return {
    id: r.id,
    labels: r.labels,
    image: r.image,
    runtime: { name: r.runtime.name, ...(r.runtime.options ? { options: r.runtime.options } : {}) },
    ...(r.spec ? { spec: packJsonAny(runtimeSpecTypeUrl, r.spec) } : {}),
    snapshotter: r.snapshotter,
    snapshotKey: r.snapshotKey,
    createdAt: zeroTimestamp(),
    updatedAt: zeroTimestamp(),
    extensions: r.extensions,
  };
}
