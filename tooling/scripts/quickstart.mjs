#!/usr/bin/env node
// The main job of the quick start, for now: prove the native mount works on this machine by
// stacking an overlay of three layers in a temp dir, writing through it, and cleaning up.
// (When the daemon lands, this starts it on an embedded default root and runs a container.)
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookup, mount, mountsUnder, unmountAll } from '@proj/mount';

if (process.getuid?.() !== 0) {
  console.error('quickstart: mounting needs root; run it as root (sudo npm start)');
  process.exit(1);
}
const root = await mkdtemp(join(tmpdir(), 'proj-quickstart-'));
try {
  const layers = [];
  for (const name of ['base', 'app', 'config']) {
    const dir = join(root, 'layers', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.txt`), `written by the ${name} layer\n`);
    layers.unshift(dir);
  }
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((d) => join(root, d));
  await Promise.all([upper, work, merged].map((d) => mkdir(d)));
  await mount(
    { type: 'overlay', source: 'overlay', options: [`workdir=${work}`, `upperdir=${upper}`, `lowerdir=${layers.join(':')}`] },
    merged,
  );
  await writeFile(join(merged, 'container.txt'), 'written through the mount\n');
  const info = await lookup(merged);
  console.log(`mounted ${info.fstype} on ${merged} (mount id ${info.id})`);
  for (const name of (await readdir(merged)).sort()) {
    console.log(`  ${name}: ${(await readFile(join(merged, name), 'utf8')).trim()}`);
  }
  await unmountAll(merged);
  console.log(`unmounted; upper layer holds: ${(await readdir(upper)).join(', ')}`);
  console.log(`mounts left under ${root}: ${(await mountsUnder(root)).length}`);
} finally {
  await unmountAll(join(root, 'merged')).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
}
