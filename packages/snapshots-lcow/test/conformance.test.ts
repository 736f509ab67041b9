// containerd's snapshotter conformance suite, every check that does not mount: lcow-layer
// mounts are for a utility VM and cannot be mounted on this host.
import test from 'ava';
import { snapshotterSuite } from '@proj/snapshots/testsuite';
import { createLcowSnapshotter, ext4VhdxScratchCreator } from '@proj/snapshots-lcow';

// A real scratch (mkfs.ext4 + VHDX), smaller than the 20 GiB default to keep 500-snapshot checks quick.
const scratchCreator = ext4VhdxScratchCreator({ sizeBytes: 64 * 1024 * 1024 });

snapshotterSuite(
  test,
  'lcow',
  async (root) => {
    const snapshotter = await createLcowSnapshotter(root, { scratchCreator, noSync: true });
    return { snapshotter, cleanup: () => snapshotter.close() };
  },
  { mounts: false },
);
