import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runReadmeExample } from '@proj/testkit';
import test from 'ava';

test('the README example runs and prints what the README shows', async (t) => {
  // Also print the temp root so the test can remove it.
  const { expected, stdout } = await runReadmeExample(fileURLToPath(new URL('..', import.meta.url)), {
    append: 'console.log(root);',
  });
  const lines = stdout.trimEnd().split('\n');
  const root = lines.pop() as string;
  t.teardown(() => rm(root, { recursive: true, force: true }));
  t.regex(root, /\/snapshots-[^/]+$/);
  t.is(`${lines.join('\n')}\n`.replaceAll(root, '/tmp/snapshots-Xy12'), expected);
});
