import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { busyboxImage, rootTest, tempRoot, writeOciArchive } from '@proj/testkit';
import { session, suiteDaemon } from './helpers/daemon.js';

const rtest = rootTest(test);
const daemon = suiteDaemon(test);
const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

rtest.serial('the README example runs as written and prints the output the README shows', async (t) => {
  const s = await session(t, daemon.address());
  const readme = await readFile(join(here, '..', 'README.md'), 'utf8');
  const code = /## Example[^\n]*\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const output = /Output[^\n]*\n[^`]*```\n([\s\S]*?)```/.exec(readme)?.[1];
  t.truthy(code, 'README has the example');
  t.truthy(output, 'README shows its output');
  const dir = await tempRoot(t, 'client-readme-');
  const archive = join(dir, 'busybox.tar');
  await writeOciArchive(archive, busyboxImage({ name: 'docker.io/library/busybox:latest' }));
  const script = join(here, `.readme-${randomBytes(4).toString('hex')}.ts`);
  const replacements: [string, string][] = [
    ["'/run/containerd/containerd.sock'", JSON.stringify(daemon.address())],
    ["namespace: 'demo'", `namespace: ${JSON.stringify(s.namespace)}, fifoDir: ${JSON.stringify(s.fifoDir)}`],
    ["'busybox.tar'", JSON.stringify(archive)],
  ];
  let adapted = code!;
  for (const [from, to] of replacements) {
    t.true(adapted.includes(from), `the example has ${from}: only the socket, namespace, FIFO dir and archive path change`);
    adapted = adapted.replace(from, to);
  }
  await writeFile(script, adapted);
  t.teardown(() => rm(script, { force: true }));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { cwd: join(here, '..'), timeout: 120_000 });
  t.is(stdout, output!);
});
