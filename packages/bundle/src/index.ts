/**
 * OCI bundles for containerd's runtime v2: {@link newBundle} validates the task id and lays out
 * `<state>/<ns>/<id>` (config.json, rootfs, the `work` link to `<root>/<ns>/<id>`), removing
 * every path it made if a step fails; {@link Bundle.delete} unmounts rootfs and removes the
 * bundle and the work dir atomically. The bundle also carries the files the daemon and the shim
 * exchange: `address`, `shim-binary-path` and the `log` FIFO.
 *
 * @packageDocumentation
 */
export { newBundle, bundleSteps, type BundleStep, type NewBundleOptions } from './new-bundle.js';
export { loadBundle, type LoadBundleOptions } from './load-bundle.js';
export { listBundles, type BundleEntry } from './list-bundles.js';
export { Bundle, type BundleInit } from './bundle.js';
export { bundleLayout, bundleModes } from './layout.js';
export { atomicDelete } from './atomic-delete.js';
export type { SpecInput } from './spec.js';
