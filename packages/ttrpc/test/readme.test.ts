import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runReadmeExample } from '@proj/testkit';

test('the README example runs and prints what the README shows', async (t) => {
  const { expected, stdout } = await runReadmeExample(fileURLToPath(new URL('..', import.meta.url)), { timeout: 30_000 });
  t.is(stdout, expected);
});
