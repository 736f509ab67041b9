import type { ExecutionContext, TestFn } from 'ava';

/** Whether this process runs as root (uid 0). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Whether the environment demands that root tests run (`PROJ_TEST_ROOT=1`, as CI sets it). */
export function rootTestsRequired(): boolean {
  return process.env.PROJ_TEST_ROOT === '1';
}

type Implementation<Context> = (t: ExecutionContext<Context>) => unknown;

/**
 * Wraps ava's `test` for tests that need root. As root they run as usual. Not as root they fail
 * loudly when `PROJ_TEST_ROOT=1` (CI), and are skipped with the reason in the title otherwise,
 * so a non-root developer run still passes but never hides what it did not run.
 */
export function rootTest<Context = unknown>(test: TestFn<Context>) {
  const register = (title: string, implementation: Implementation<Context>, serial: boolean) => {
    const runner = serial ? test.serial : test;
    if (isRoot()) return runner(title, implementation);
    if (rootTestsRequired()) {
      return runner(title, (t) => {
        t.fail(`needs root: PROJ_TEST_ROOT=1 is set but this process runs as uid ${process.getuid?.()}`);
      });
    }
    return runner.skip(`${title} (needs root; run as root or set PROJ_TEST_ROOT=1 to fail instead)`, implementation);
  };
  const gated = (title: string, implementation: Implementation<Context>) => register(title, implementation, false);
  gated.serial = (title: string, implementation: Implementation<Context>) => register(title, implementation, true);
  return gated;
}
