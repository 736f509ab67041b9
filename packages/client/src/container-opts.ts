import type { Any } from '@bufbuild/protobuf/wkt';
import { InvalidArgumentError } from '@proj/errdefs';
import type { ContainerRecord } from './container-record.js';
import type { NewContainerOpt, OptContext } from './container.js';
import { chainId } from './digest.js';
import type { Image } from './image.js';
import { labels as wellKnown } from './labels.js';
import { defaultUnixSpec } from './spec.js';
import type { Spec } from './spec-types.js';
import type { SpecOpt } from './spec-opts.js';

function signalOf(ctx: OptContext): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

/** Records the image the container is made from. */
export function withImage(image: Image): NewContainerOpt {
  return (_ctx, c) => {
    c.image = image.name;
  };
}

/** Chooses the snapshotter for the container's root filesystem. */
export function withSnapshotter(name: string): NewContainerOpt {
  return (_ctx, c) => {
    c.snapshotter = name;
  };
}

/** Chooses the runtime (default `io.containerd.runc.v2`) and its options. */
export function withRuntime(name: string, options?: Any): NewContainerOpt {
  return (_ctx, c) => {
    c.runtime = options ? { name, options } : { name };
  };
}

/** Adds labels to the container. */
export function withContainerLabels(labels: Record<string, string>): NewContainerOpt {
  return (_ctx, c) => {
    c.labels = { ...c.labels, ...labels };
  };
}

/** Sets the container's extension `name`. */
export function withContainerExtension(name: string, value: Any): NewContainerOpt {
  return (_ctx, c) => {
    c.extensions = { ...c.extensions, [name]: value };
  };
}

/** Labels the container with the image's stop signal (`io.containerd.image.config.stop-signal`), default SIGTERM. */
export function withImageStopSignal(image: Image, fallback = 'SIGTERM'): NewContainerOpt {
  return async (ctx, c) => {
    const { config } = await image.config(signalOf(ctx));
    c.labels = { ...c.labels, [wellKnown.stopSignal]: config.config?.StopSignal || fallback };
  };
}

async function newSnapshot(ctx: OptContext, c: ContainerRecord, key: string, image: Image, view: boolean, labels: Record<string, string>): Promise<void> {
  const options = signalOf(ctx);
  c.snapshotter = await ctx.host.resolveSnapshotter(c.snapshotter || undefined, options);
  if (!(await image.isUnpacked(c.snapshotter, options))) await image.unpack({ ...options, snapshotter: c.snapshotter });
  const parent = chainId(await image.rootFS(options));
  const service = ctx.host.snapshotService(c.snapshotter);
  if (view) await service.view(key, parent, { ...options, labels });
  else await service.prepare(key, parent, { ...options, labels });
  c.snapshotKey = key;
  c.image = image.name;
}

/**
 * Prepares a writable snapshot `key` on the image's top layer for the root filesystem
 * (unpacking the image first if needed) and records the image.
 */
export function withNewSnapshot(key: string, image: Image, labels: Record<string, string> = {}): NewContainerOpt {
  return (ctx, c) => newSnapshot(ctx, c, key, image, false, labels);
}

/** Like {@link withNewSnapshot} but a read-only view. */
export function withNewSnapshotView(key: string, image: Image, labels: Record<string, string> = {}): NewContainerOpt {
  return (ctx, c) => newSnapshot(ctx, c, key, image, true, labels);
}

/** Uses an existing snapshot `key` as the root filesystem. */
export function withSnapshot(key: string): NewContainerOpt {
  return async (ctx, c) => {
    c.snapshotter = await ctx.host.resolveSnapshotter(c.snapshotter || undefined, signalOf(ctx));
    await ctx.host.snapshotService(c.snapshotter).stat(key, signalOf(ctx));
    c.snapshotKey = key;
  };
}

/**
 * Builds the spec from containerd's default Linux spec (see {@link defaultUnixSpec}), then
 * applies `opts` in order (e.g. `withImageConfig(image)`, `withProcessArgs('echo', 'hi')`).
 */
export function withNewSpec(...opts: SpecOpt[]): NewContainerOpt {
  return async (ctx, c) => {
    const spec = defaultUnixSpec(ctx.host.namespace, c.id);
    for (const opt of opts) await opt(ctx, c, spec);
    c.spec = spec;
  };
}

/** Applies spec options to the container's existing spec (for `newContainer` after `withNewSpec`, or `update`). */
export function withSpec(...opts: SpecOpt[]): NewContainerOpt {
  return async (ctx, c) => {
    if (!c.spec) throw new InvalidArgumentError(`container ${c.id} has no spec yet: use withNewSpec first`);
    const spec: Spec = c.spec;
    for (const opt of opts) await opt(ctx, c, spec);
  };
}
