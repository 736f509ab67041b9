// The README example, run against a private containerd 1.6.20 (its socket path swapped in),
// prints what the README shows. Needs root.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { readReadmeExample, rootTest, useContainerd } from '@proj/testkit';

const rtest = rootTest(test);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

rtest('the README example runs against containerd and prints what the README shows', async (t) => {
  const daemon = await useContainerd(t);
  const { code, output } = await readReadmeExample(packageDir);
  t.true(code.includes("'/run/containerd/containerd.sock'"));
  const source = code.replace("'/run/containerd/containerd.sock'", JSON.stringify(daemon.address));
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', source], {
    cwd: packageDir,
    timeout: 30_000,
  });
  t.is(stdout, output);
});
