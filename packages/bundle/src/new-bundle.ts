import { InvalidArgumentError, errnoOf, fromSystemError } from '@proj/errdefs';
import { chown, chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Bundle } from './bundle.js';
import { validateIdentifier } from '@proj/identifiers';
import { bundleLayout, bundleModes } from './layout.js';
import { mkdirAll } from './mkdirs.js';
import { Rollback } from './rollback.js';
import { prepareSpec, remappedRootGid, type SpecInput } from './spec.js';

/**
 * The steps of {@link newBundle}, in order. A {@link NewBundleOptions.afterStep} hook sees each
 * one after it completed; throwing there aborts the creation, which is how tests inject faults.
 */
export const bundleSteps = [
  'state-namespace-dir',
  'bundle-dir',
  'work-namespace-dir',
  'rootfs',
  'work-dir',
  'work-symlink',
  'config',
] as const;

/** One of the {@link bundleSteps}. */
export type BundleStep = (typeof bundleSteps)[number];

/** What {@link newBundle} needs. */
export interface NewBundleOptions {
  /** The runtime plugin's root dir (`<containerd root>/io.containerd.runtime.v2.task`); work dirs go under it. */
  root: string;
  /** The runtime plugin's state dir (`<containerd state>/io.containerd.runtime.v2.task`); bundles go under it. */
  state: string;
  /** The namespace of the task; required, and an identifier. */
  namespace: string | undefined;
  /** The task (container) id; containerd's identifier rules apply. */
  id: string;
  /** The OCI runtime spec, written to `config.json` (bytes and strings verbatim). */
  spec: SpecInput;
  /**
   * Called after each creation step with the step and the path it made. If it throws, creation
   * stops and everything made so far is removed. For fault injection in tests.
   */
  afterStep?: (step: BundleStep, path: string) => void | Promise<void>;
}

/**
 * Creates the OCI bundle of a task, as containerd's runtime v2 does (wire doc §8.6):
 *
 * - `<state>/<ns>/` (0711, with any missing parent) and the bundle `<state>/<ns>/<id>/` (0700;
 *   0710 and group-owned by the remapped root GID when the spec maps container GID 0),
 * - `<root>/<ns>/` (0711) and `<bundle>/rootfs/` (0711),
 * - the work dir `<root>/<ns>/<id>/` (0711), replacing a stale one left by an earlier task,
 * - the symlink `<bundle>/work` to the work dir, and `<bundle>/config.json` with the spec.
 *
 * The id and namespace are validated before anything is touched. If any step fails, every path
 * this call created is removed, and only those: an existing bundle is never touched, and a parent
 * directory made by this call is removed only if it is still empty.
 *
 * @throws InvalidArgumentError for an invalid id, a missing or invalid namespace, or a spec that
 *   is not a JSON object; AlreadyExistsError when the bundle exists; otherwise the errdefs class
 *   of the failing file-system call
 */
export async function newBundle(options: NewBundleOptions): Promise<Bundle> {
  const { id, namespace, afterStep } = options;
  validateIdentifier(id, 'task id');
  if (namespace === undefined || namespace === null || namespace === '') {
    throw new InvalidArgumentError(`a namespace is required to create the bundle of task id "${id}"`);
  }
  validateIdentifier(namespace, `namespace for task id "${id}"`);
  const spec = prepareSpec(options.spec, id);
  const root = resolve(options.root);
  const state = resolve(options.state);
  const bundlePath = join(state, namespace, id);
  const workPath = join(root, namespace, id);
  const rollback = new Rollback();
  const step = async (name: BundleStep, path: string) => {
    if (afterStep) await afterStep(name, path);
  };

  try {
    const stateNs = join(state, namespace);
    for (const dir of await run(() => mkdirAll(stateNs, bundleModes.namespaceDir), `create ${stateNs}`)) rollback.dir(dir);
    await step('state-namespace-dir', stateNs);

    await run(() => mkdir(bundlePath, { mode: bundleModes.bundleDir }), `create bundle ${bundlePath} for task "${id}"`);
    rollback.tree(bundlePath);
    const gid = remappedRootGid(spec.parsed);
    await run(async () => {
      if (gid === undefined) {
        await chmod(bundlePath, bundleModes.bundleDir);
      } else {
        await chown(bundlePath, -1, gid);
        await chmod(bundlePath, bundleModes.bundleDirUserns);
      }
    }, `set the permissions of bundle ${bundlePath}`);
    await step('bundle-dir', bundlePath);

    const rootNs = join(root, namespace);
    for (const dir of await run(() => mkdirAll(rootNs, bundleModes.namespaceDir), `create ${rootNs}`)) rollback.dir(dir);
    await step('work-namespace-dir', rootNs);

    const rootfs = join(bundlePath, bundleLayout.rootfs);
    await run(() => mkdir(rootfs, { mode: bundleModes.rootfs }), `create ${rootfs}`);
    await run(() => chmod(rootfs, bundleModes.rootfs), `set the permissions of ${rootfs}`);
    await step('rootfs', rootfs);

    await run(() => makeWorkDir(workPath), `create work dir ${workPath} for task "${id}"`);
    rollback.tree(workPath);
    await step('work-dir', workPath);

    const link = join(bundlePath, bundleLayout.work);
    await run(() => symlink(workPath, link), `link ${link} to ${workPath}`);
    await step('work-symlink', link);

    const config = join(bundlePath, bundleLayout.config);
    await run(() => writeFile(config, spec.bytes, { mode: bundleModes.config, flag: 'wx' }), `write ${config}`);
    await step('config', config);
  } catch (err) {
    const failures = await rollback.run();
    if (failures.length > 0 && err instanceof Error) {
      err.message += `; rolling back also failed: ${failures.map((failure) => failure.message).join('; ')}`;
    }
    throw err;
  }
  return new Bundle({ id, namespace, path: bundlePath, workPath });
}

/** Makes the work dir; a stale one (an earlier task's, never cleaned up) is removed first. */
async function makeWorkDir(workPath: string): Promise<void> {
  try {
    await mkdir(workPath, { mode: bundleModes.workDir });
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
    await rm(workPath, { recursive: true, force: true });
    await mkdir(workPath, { mode: bundleModes.workDir });
  }
  await chmod(workPath, bundleModes.workDir);
}

async function run<T>(operation: () => Promise<T>, what: string): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw fromSystemError(err, what);
  }
}
