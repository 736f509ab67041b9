import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

// @proj/errdefs sits below @proj/testkit (the kit depends on it), so this test reads the README
// example itself instead of using the kit's runReadmeExample.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

test('the README example runs and prints what the README shows', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const [, code, expected] = /## Example\n\s*```js\n([\s\S]*?)```[\s\S]*?Output:\n\s*```\n([\s\S]*?)```/.exec(readme) ?? [];
  t.truthy(code, 'README has an example');
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code!], { cwd: packageDir });
  t.is(stdout, expected!);
});
