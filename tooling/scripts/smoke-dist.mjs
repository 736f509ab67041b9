#!/usr/bin/env node
// Guards against turbo's false greens: after `turbo run build`, every package's dist entry must
// exist and import. A cache hit that replayed logs without restoring dist/ fails here.
import { readFile, readdir, access } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let failures = 0;
let checked = 0;
for (const group of ['packages', 'apps', 'tooling']) {
  const dirs = await readdir(join(root, group)).catch(() => []);
  for (const dir of dirs) {
    const manifestPath = join(root, group, dir, 'package.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8').catch(() => 'null'));
    for (const [subpath, entry] of Object.entries(manifest?.exports ?? {})) {
      if (!entry || typeof entry !== 'object' || !entry.import) continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      checked++;
      try {
        await access(join(root, group, dir, entry.import));
        if (entry.types) await access(join(root, group, dir, entry.types));
        const module = await import(specifier);
        if (Object.keys(module).length === 0) throw new Error('the entry exports nothing');
        console.log(`ok   ${specifier} (${Object.keys(module).length} exports)`);
      } catch (err) {
        failures++;
        console.error(`FAIL ${specifier}: ${err.message}`);
      }
    }
  }
}
if (checked === 0) {
  console.error('smoke-dist: no package entries found');
  process.exit(1);
}
if (failures > 0) process.exit(1);
