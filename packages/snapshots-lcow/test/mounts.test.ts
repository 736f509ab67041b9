import test from 'ava';
import { lcowLayerMounts, parentLayerPaths } from '@proj/snapshots-lcow';

test('active snapshot: own directory, rw, all parents nearest first', (t) => {
  const mounts = lcowLayerMounts({ kind: 'active', dir: '/r/snapshots/3', parentDirs: ['/r/snapshots/2', '/r/snapshots/1'] });
  t.deepEqual(mounts, [
    { type: 'lcow-layer', source: '/r/snapshots/3', options: ['rw', 'parentLayerPaths=["/r/snapshots/2","/r/snapshots/1"]'] },
  ]);
  t.deepEqual(parentLayerPaths(mounts[0]!), ['/r/snapshots/2', '/r/snapshots/1']);
});

test('view: nearest parent as source, ro, the rest as parents', (t) => {
  t.deepEqual(lcowLayerMounts({ kind: 'view', dir: '/r/snapshots/4', parentDirs: ['/r/snapshots/2', '/r/snapshots/1'] }), [
    { type: 'lcow-layer', source: '/r/snapshots/2', options: ['ro', 'parentLayerPaths=["/r/snapshots/1"]'] },
  ]);
});

test('no parents: own directory and an empty JSON list', (t) => {
  t.deepEqual(lcowLayerMounts({ kind: 'view', dir: '/r/snapshots/5', parentDirs: [] }), [
    { type: 'lcow-layer', source: '/r/snapshots/5', options: ['ro', 'parentLayerPaths=[]'] },
  ]);
  t.deepEqual(parentLayerPaths({ type: 'bind', source: '/x', options: ['rbind'] }), []);
});
