import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Mount, mountAll, mountsUnder, unmountAll, unmountRecursive } from '@proj/mount';
import type { ExecutionContext } from 'ava';
import type { SnapshotOptions } from '../options.js';
import type { Snapshotter } from '../snapshotter.js';
import { dumpTree } from './fstest.js';

/** What one check receives: a fresh snapshotter and a scratch directory to mount into. */
export interface CheckContext {
  t: ExecutionContext;
  snapshotter: Snapshotter;
  /** The snapshotter's root directory (for checks that look at what it left on disk). */
  root: string;
  /** An empty directory for mount points and reference trees. */
  work: string;
  /** Tuning from the suite options. */
  options: Required<Pick<SuiteOptions, 'deepChainLayers' | 'manySnapshots' | 'renameLowerDirectory'>>;
}

/** One conformance check. */
export interface Check {
  /** Title, as containerd's suite names it where it has one. */
  title: string;
  /** Whether the check mounts what the snapshotter returns (needs root; skippable). */
  mounts: boolean;
  run(c: CheckContext): Promise<void>;
}

/** What a suite factory returns: a snapshotter on the given root, and how to dispose of it. */
export interface SuiteSnapshotter {
  snapshotter: Snapshotter;
  /** Called after each check (close the snapshotter, stop helpers). */
  cleanup?: () => Promise<void>;
}

/** Makes a snapshotter whose state lives under `root`, an empty directory per check. */
export type SnapshotterFactory = (root: string) => Promise<SuiteSnapshotter>;

/** Registers one test, as ava's `test` or `@proj/testkit`'s `rootTest(test)` do. */
export type Register = (title: string, implementation: (t: ExecutionContext) => unknown) => unknown;

/** Options of `snapshotterSuite`. */
export interface SuiteOptions {
  /**
   * Whether to run the checks that mount the snapshotter's mounts (default true). A
   * snapshotter whose mounts cannot be mounted on this host (LCOW's `lcow-layer` on Linux)
   * sets false: those checks are then not registered at all.
   */
  mounts?: boolean;
  /**
   * How to register checks that mount, which need root; default the plain `test`. Pass
   * `rootTest(test)` from the workspace test kit so they fail loudly in CI when not root.
   */
  rootTest?: Register;
  /**
   * Whether renaming a directory that comes from a lower layer works (default true). Overlayfs
   * without `redirect_dir` cannot, so the overlay snapshotter passes false.
   */
  renameLowerDirectory?: boolean;
  /** Layers in the deep-chain check (default 500). */
  deepChainLayers?: number;
  /** Snapshots in the many-snapshots check (default 500). */
  manySnapshots?: number;
  /** Titles of checks not to register. */
  skip?: string[];
}

/** The labels containerd's suite puts on everything it creates. */
export const gcRootOpt: SnapshotOptions = { labels: { 'containerd.io/gc.root': new Date().toISOString() } };

/** Runs one check in a fresh temp dir with `root/` and `work/`, dumping the tree if it fails. */
export async function runCheck(
  t: ExecutionContext,
  name: string,
  factory: SnapshotterFactory,
  check: Check,
  options: CheckContext['options'],
): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), `snapshot-suite-${name.replace(/[^\w.-]/g, '_')}-`));
  const root = join(tmp, 'root');
  const work = join(tmp, 'work');
  await mkdir(root, { mode: 0o777 });
  await mkdir(work, { mode: 0o777 });
  let created: SuiteSnapshotter | undefined;
  try {
    created = await factory(root);
    await check.run({ t, snapshotter: created.snapshotter, root, work, options });
  } catch (err) {
    t.log(`tree of ${tmp}:\n${await dumpTree(tmp)}`);
    throw err;
  } finally {
    const leaked = check.mounts ? (await mountsUnder(tmp)).map((m) => m.mountpoint) : [];
    if (leaked.length > 0) await unmountRecursive(tmp);
    try {
      await created?.cleanup?.();
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    if (leaked.length > 0) t.fail(`check left mounts behind: ${leaked.join(', ')}`);
  }
}

/** Mounts `mounts` on `target`, runs `fn`, and always unmounts. */
export async function withMounted<T>(mounts: readonly Mount[], target: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(target, { recursive: true });
  await mountAll(mounts, target);
  try {
    return await fn();
  } finally {
    await unmountAll(target);
  }
}

/** A unique-enough suffix for snapshot keys. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
