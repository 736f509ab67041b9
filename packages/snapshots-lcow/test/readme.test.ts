import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runReadmeExampleInTempRoot } from '@proj/testkit';

test('the README example runs and prints what the README shows', async (t) => {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const { expected, stdout, root } = await runReadmeExampleInTempRoot(t, packageDir, { placeholder: '/tmp/lcow-Xy12' });
  t.regex(root, /\/lcow-[^/]+$/);
  t.is(stdout, expected);
});
