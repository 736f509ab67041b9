/**
 * The conformance suite every snapshotter runs (work in progress: checks land next).
 * @packageDocumentation
 */
import type { Snapshotter } from '../snapshotter.js';

/** What a suite factory returns: a fresh snapshotter on the given root, and how to dispose of it. */
export interface SuiteSnapshotter {
  snapshotter: Snapshotter;
  cleanup?: () => Promise<void>;
}

/** Makes a snapshotter whose state lives under `root` (an empty directory per check). */
export type SnapshotterFactory = (root: string) => Promise<SuiteSnapshotter>;
