// Latency (p50, p99) and throughput of the overlay snapshotter's prepare, mounts, commit and
// remove on chains 1, 10 and 100 layers deep; as root it also times mounting the returned
// mounts (mount + unmount through @proj/mount).
//   npx tsx bench/snapshots.ts [--iterations 200] [--warmup 20] [--depths 1,10,100] [--no-sync]
// The first --warmup rounds of each depth (JIT, LMDB page cache) are run but not counted.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountAll, unmountAll } from '@proj/mount';
import { createOverlaySnapshotter } from '@proj/snapshots-overlay';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const iterations = Number(option('iterations', '200'));
const warmup = Number(option('warmup', '20'));
const depths = option('depths', '1,10,100').split(',').map(Number);
const noSync = args.includes('--no-sync');
const isRoot = process.getuid?.() === 0;

interface Stats {
  p50: number;
  p99: number;
  opsPerSecond: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const total = samples.reduce((a, b) => a + b, 0);
  return { p50: pick(0.5), p99: pick(0.99), opsPerSecond: (samples.length / total) * 1000 };
}

async function timed(samples: number[], fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await fn();
  samples.push(performance.now() - start);
}

async function benchDepth(depth: number): Promise<Record<string, Stats>> {
  const root = await mkdtemp(join(tmpdir(), 'bench-snapshots-'));
  const sn = await createOverlaySnapshotter(join(root, 'overlay'), { noSync });
  const target = join(root, 'mnt');
  await mkdir(target);
  try {
    let parent = '';
    for (let i = 0; i < depth - 1; i++) {
      await sn.prepare(`chain-${i}-a`, parent);
      await sn.commit(`chain-${i}`, `chain-${i}-a`);
      parent = `chain-${i}`;
    }
    const samples: Record<string, number[]> = { prepare: [], mounts: [], commit: [], remove: [] };
    if (isRoot) samples['mount+unmount'] = [];
    for (let i = 0; i < warmup; i++) {
      await sn.prepare(`warmup-${i}-a`, parent);
      await sn.mounts(`warmup-${i}-a`);
      await sn.commit(`warmup-${i}`, `warmup-${i}-a`);
      await sn.remove(`warmup-${i}`);
    }
    for (let i = 0; i < iterations; i++) {
      const key = `bench-${i}-a`;
      await timed(samples.prepare as number[], () => sn.prepare(key, parent));
      let mounts: Awaited<ReturnType<typeof sn.mounts>> = [];
      await timed(samples.mounts as number[], async () => {
        mounts = await sn.mounts(key);
      });
      if (isRoot) {
        await timed(samples['mount+unmount'] as number[], async () => {
          await mountAll(mounts, target);
          await unmountAll(target);
        });
      }
      await timed(samples.commit as number[], () => sn.commit(`bench-${i}`, key));
    }
    for (let i = 0; i < iterations; i++) await timed(samples.remove as number[], () => sn.remove(`bench-${i}`));
    return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
  } finally {
    await unmountAll(target).catch(() => undefined);
    await sn.close();
    await rm(root, { recursive: true, force: true });
  }
}

console.log(
  `overlay snapshotter, ${iterations} iterations per depth after ${warmup} warm-up rounds, metadata fsync ${noSync ? 'off' : 'on'}${isRoot ? '' : ' (not root: mounting not timed)'}`,
);
console.log(`${'depth'.padEnd(6)}${'operation'.padEnd(15)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ops/s'.padStart(10)}`);
for (const depth of depths) {
  const results = await benchDepth(depth);
  for (const [op, s] of Object.entries(results)) {
    console.log(
      `${String(depth).padEnd(6)}${op.padEnd(15)}${s.p50.toFixed(3).padStart(9)}${s.p99.toFixed(3).padStart(9)}${s.opsPerSecond.toFixed(0).padStart(10)}`,
    );
  }
}
