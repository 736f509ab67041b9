#!/usr/bin/env node
// Overlay mount+unmount cycles per second, side by side in one run: through @proj/mount's
// addon (mount(2)/umount2(2) on the thread pool) and through spawning mount(8)/umount(8) per
// call, as a naive implementation would. Needs root.
//   node bench/mount.mjs [--iterations N] [--layers 3,20]
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mount, mountsUnder, unmount, unmountAll } from '@proj/mount';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const iterations = Number(option('iterations', '300'));
const layerCounts = option('layers', '3,20').split(',').map(Number);

if (process.getuid?.() !== 0) {
  console.error('bench/mount: needs root');
  process.exit(1);
}

async function prepare(root, layers) {
  const lowers = [];
  for (let i = 0; i < layers; i++) {
    const dir = join(root, 'snapshots', String(i + 1), 'fs');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `f${i}`), '');
    lowers.unshift(dir);
  }
  const [upper, work, target] = ['upper', 'work', 'mnt'].map((d) => join(root, d));
  await Promise.all([upper, work, target].map((d) => mkdir(d)));
  const options = [`workdir=${work}`, `upperdir=${upper}`, `lowerdir=${lowers.join(':')}`];
  return { target, options };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const total = samples.reduce((a, b) => a + b, 0);
  return { opsPerSecond: (samples.length / total) * 1000, p50: pick(0.5), p99: pick(0.99) };
}

async function runAddon({ target, options }) {
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await mount({ type: 'overlay', source: 'overlay', options }, target);
    await unmount(target);
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

function runSpawn({ target, options }) {
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    const m = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', options.join(','), target]);
    if (m.status !== 0) throw new Error(`mount(8) failed: ${m.stderr}`);
    const u = spawnSync('umount', [target]);
    if (u.status !== 0) throw new Error(`umount(8) failed: ${u.stderr}`);
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

const root = await mkdtemp(join(tmpdir(), 'proj-bench-mount-'));
const rows = [];
try {
  for (const layers of layerCounts) {
    const setup = await prepare(join(root, `l${layers}`), layers);
    // Warm up both paths (page cache, module loading) before measuring.
    await runAddon(setup);
    runSpawn(setup);
    rows.push({ layers, method: '@proj/mount (addon)', ...(await runAddon(setup)) });
    rows.push({ layers, method: 'mount(8)/umount(8) spawned', ...runSpawn(setup) });
  }
} finally {
  for (const m of await mountsUnder(root)) await unmountAll(m.mountpoint).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
}

console.log(`overlay mount+unmount, ${iterations} cycles each, node ${process.version}`);
console.log('layers  method                          cycles/s   p50 ms   p99 ms');
for (const r of rows) {
  console.log(
    `${String(r.layers).padStart(6)}  ${r.method.padEnd(30)}  ${r.opsPerSecond.toFixed(0).padStart(8)}  ${r.p50.toFixed(3).padStart(7)}  ${r.p99.toFixed(3).padStart(7)}`,
  );
}
for (const layers of layerCounts) {
  const [a, s] = rows.filter((r) => r.layers === layers);
  console.log(`${layers} layers: addon is ${(a.opsPerSecond / s.opsPerSecond).toFixed(1)}x the spawned mount(8)`);
}
