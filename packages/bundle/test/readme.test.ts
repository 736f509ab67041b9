import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

test('the README example runs and prints what the README shows', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const code = /## Example\s+```js\n([\s\S]*?)```/.exec(readme)?.[1];
  const expected = /Output:\s+```text\n([\s\S]*?)```/.exec(readme)?.[1];
  t.truthy(code);
  t.truthy(expected);
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code!], { cwd: packageDir, timeout: 30_000 });
  t.is(stdout, expected!);
});
