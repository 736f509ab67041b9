import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { rootTest } from '@proj/testkit';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gate');
const avaCli = join(dirname(createRequire(import.meta.url).resolve('ava')), 'cli.mjs');
const rtest = rootTest(test);

// `env -i`: the child sees only `env`, not this process's environment (CI exports PROJ_TEST_ROOT=1).
function runAsNobody(env: Record<string, string>) {
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, avaCli], {
    cwd: fixture,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

rtest.serial('with PROJ_TEST_ROOT=1 a root test run as non-root fails loudly', (t) => {
  const result = runAsNobody({ HOME: '/tmp', PROJ_TEST_ROOT: '1', PATH: process.env.PATH ?? '' });
  const output = `${result.stdout}${result.stderr}`;
  t.not(result.status, 0, output);
  t.regex(output, /needs root: PROJ_TEST_ROOT=1 is set but this process runs as uid 65534/);
  t.regex(output, /1 test failed/);
});

rtest.serial('without PROJ_TEST_ROOT a non-root run skips, saying why', (t) => {
  const result = runAsNobody({ HOME: '/tmp', PATH: process.env.PATH ?? '' });
  const output = `${result.stdout}${result.stderr}`;
  t.is(result.status, 0, output);
  t.regex(output, /needs root; run as root or set PROJ_TEST_ROOT=1/);
  t.regex(output, /1 test skipped/);
});

rtest.serial('as root the test runs', (t) => {
  const result = spawnSync(process.execPath, [avaCli], { cwd: fixture, encoding: 'utf8', timeout: 120_000 });
  t.is(result.status, 0, `${result.stdout}${result.stderr}`);
  t.regex(`${result.stdout}${result.stderr}`, /1 test passed/);
});
