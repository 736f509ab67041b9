import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { mountsUnder } from '@proj/mount';
import { rootTest, runReadmeExample } from '@proj/testkit';

rootTest(test)('the README example runs and prints what the README shows', async (t) => {
  const { expected, stdout } = await runReadmeExample(fileURLToPath(new URL('..', import.meta.url)), {
    append: 'console.log(root);',
  });
  const lines = stdout.trimEnd().split('\n');
  const root = lines.pop()!;
  t.teardown(() => rm(root, { recursive: true, force: true }));
  t.deepEqual(await mountsUnder(root), []);
  t.is(`${lines.join('\n')}\n`, expected);
});
