/**
 * The conformance suite every snapshotter runs: containerd's `snapshots/testsuite` checks
 * (basic prepare/commit/stat, transitivity, prepare/view failures, update, remove, walk
 * filters, whiteouts and directory removal through the mounts, chown, permissions on commit,
 * rename, read-only views, stat in walk, close twice, root permission, 128 layers) plus labels,
 * hard links kept across layers, usage, parent/key errors, bad input that must change nothing,
 * concurrent prepares, a 500-layer chain (mounted, and metadata only) and many snapshots at once.
 *
 * ```ts
 * import test from 'ava';
 * import { rootTest } from '@proj/testkit';
 * import { snapshotterSuite } from '@proj/snapshots/testsuite';
 *
 * snapshotterSuite(test, 'overlayfs', async (root) => {
 *   const snapshotter = await createOverlaySnapshotter(root);
 *   return { snapshotter, cleanup: () => snapshotter.close() };
 * }, { rootTest: rootTest(test), renameLowerDirectory: false });
 * ```
 *
 * Each check is its own ava test with fresh `root/` and `work/` directories; on failure the
 * tree is written to the test log. Checks that mount use `@proj/mount` and are registered
 * through `options.rootTest`; a snapshotter that cannot be mounted here passes
 * `{ mounts: false }`.
 *
 * @packageDocumentation
 */
import { isMainThread } from 'node:worker_threads';
import type { TestFn } from 'ava';
import { apiChecks } from './checks-api.js';
import { layerChecks } from './checks-layers.js';
import { scaleChecks } from './checks-scale.js';
import { type Check, type Register, type SnapshotterFactory, type SuiteOptions, runCheck } from './harness.js';

export type { Check, CheckContext, Register, SnapshotterFactory, SuiteOptions, SuiteSnapshotter } from './harness.js';
export { gcRootOpt, withMounted } from './harness.js';
export { checkLayers, createLayer, checkView } from './checks-layers.js';
export { listTree, rejection, walkNames } from './checks-api.js';
export * from './fstest.js';

/** Every check of the suite, in registration order. */
export const checks: readonly Check[] = [...apiChecks, ...layerChecks, ...scaleChecks];

/** The ava test functions whose files already clear the umask (a file may run several suites). */
const umaskCleared = new WeakSet<object>();

/**
 * Registers the conformance suite for the snapshotter `name` with ava: one test per check,
 * titled `<name>: <check>`. Like containerd's suite it clears the umask for the test file
 * (restored after the last test; not in worker threads, which cannot change it).
 * `factory(root)` must return a fresh snapshotter whose state lives under `root`, and a cleanup
 * that closes it.
 */
export function snapshotterSuite<Context = unknown>(
  test: TestFn<Context>,
  name: string,
  factory: SnapshotterFactory,
  options: SuiteOptions = {},
): void {
  const tuning = {
    deepChainLayers: options.deepChainLayers ?? 500,
    manySnapshots: options.manySnapshots ?? 500,
    renameLowerDirectory: options.renameLowerDirectory ?? true,
  };
  // containerd runs its suite with the umask cleared, so a snapshotter must set the modes it
  // means (a layer root of 0755) rather than rely on the process umask.
  if (isMainThread && !umaskCleared.has(test)) {
    umaskCleared.add(test);
    let saved: number | undefined;
    test.before(() => {
      saved = process.umask(0);
    });
    test.after.always(() => {
      if (saved !== undefined) process.umask(saved);
    });
  }
  const skip = new Set(options.skip ?? []);
  for (const check of checks) {
    if (skip.has(check.title)) continue;
    if (check.mounts && options.mounts === false) continue;
    const register: Register =
      check.mounts && options.rootTest ? options.rootTest : (title, implementation) => test(title, implementation);
    register(`${name}: ${check.title}`, (t) => runCheck(t, name, factory, check, tuning));
  }
}
