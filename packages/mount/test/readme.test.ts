import { fileURLToPath } from 'node:url';
import test from 'ava';
import { mountsUnder } from '@proj/mount';
import { rootTest, runReadmeExampleInTempRoot } from '@proj/testkit';

rootTest(test)('the README example runs and prints what the README shows', async (t) => {
  const { expected, stdout, root } = await runReadmeExampleInTempRoot(t, fileURLToPath(new URL('..', import.meta.url)));
  t.deepEqual(await mountsUnder(root), []);
  t.is(stdout, expected);
});
