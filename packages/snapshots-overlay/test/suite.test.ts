import { createOverlaySnapshotter } from '@proj/snapshots-overlay';
import { snapshotterSuite } from '@proj/snapshots/testsuite';
import { rootTest } from '@proj/testkit';
import test from 'ava';

snapshotterSuite(
  test,
  'overlayfs',
  async (root) => {
    const snapshotter = await createOverlaySnapshotter(root);
    return { snapshotter, cleanup: () => snapshotter.close() };
  },
  // Overlayfs without redirect_dir cannot rename a directory of a lower layer.
  { rootTest: rootTest(test), renameLowerDirectory: false },
);
