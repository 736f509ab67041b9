#!/usr/bin/env node
// One package.json shape for every package (docs/decisions/0001): published packages are ESM
// with typed exports, ship dist only (plus native sources where they build at install), declare
// no side effects, pin engines, publish publicly, have a README, and depend on each other only
// in the allowed direction (architecture.md). Prints every violation and exits non-zero.
import { readFile, readdir, access } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
// Which workspace packages each published package may depend on (dependencies only).
const allowed = {
  '@proj/errdefs': [],
  '@proj/identifiers': ['@proj/errdefs'],
  '@proj/mount': ['@proj/errdefs'],
  '@proj/snapshots': ['@proj/errdefs', '@proj/mount'],
  '@proj/snapshots-overlay': ['@proj/errdefs', '@proj/mount', '@proj/snapshots'],
  '@proj/snapshots-lcow': ['@proj/errdefs', '@proj/mount', '@proj/snapshots'],
  '@proj/bundle': ['@proj/errdefs', '@proj/identifiers', '@proj/mount'],
  '@proj/persist-fs': ['@proj/errdefs', '@proj/identifiers', '@proj/mount'],
  '@proj/api': ['@proj/errdefs'],
  '@proj/ttrpc': ['@proj/errdefs'],
  '@proj/client': ['@proj/errdefs', '@proj/api'],
};
const problems = [];
const dirs = (await readdir(join(root, 'packages'))).map((d) => join(root, 'packages', d));
for (const dir of dirs) {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => 'null'));
  if (!manifest) continue;
  const name = manifest.name ?? dir;
  const problem = (text) => problems.push(`${name}: ${text}`);
  if (manifest.private) continue;
  if (manifest.type !== 'module') problem('"type" must be "module"');
  const main = manifest.exports?.['.'];
  if (!main?.types || !main?.import) problem('exports["."] needs "types" and "import"');
  if (!manifest.exports?.['./package.json']) problem('exports needs "./package.json"');
  if (!Array.isArray(manifest.files) || !manifest.files.includes('dist')) problem('"files" must list "dist"');
  if (manifest.sideEffects !== false) problem('"sideEffects" must be false');
  if (manifest.engines?.node !== '>=20.19') problem('"engines.node" must be ">=20.19"');
  if (manifest.publishConfig?.access !== 'public') problem('"publishConfig.access" must be "public"');
  if (!manifest.repository?.directory) problem('"repository.directory" is missing');
  if (!manifest.description) problem('"description" is missing');
  for (const script of ['build', 'test']) if (!manifest.scripts?.[script]) problem(`scripts.${script} is missing`);
  await access(join(dir, 'README.md')).catch(() => problem('README.md is missing'));
  const internal = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@proj/'));
  const permitted = allowed[name];
  if (!permitted) problem('not in the dependency-direction table of tooling/scripts/check-packages.mjs');
  else for (const dep of internal) if (!permitted.includes(dep)) problem(`may not depend on ${dep} (see docs/architecture.md)`);
  for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
    if (dep.startsWith('@proj/')) problem(`no peerDependencies between our packages (${dep}): use dependencies`);
  }
}
if (problems.length > 0) {
  console.error(problems.map((p) => `FAIL ${p}`).join('\n'));
  process.exit(1);
}
console.log(`package shape: ${dirs.length} packages ok`);
