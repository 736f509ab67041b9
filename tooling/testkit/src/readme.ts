import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';

const run = promisify(execFile);

/** The runnable example of a package README and the output it claims. */
export interface ReadmeExample {
  /** The first ```js block under `## Example`. */
  code: string;
  /** The first fenced block after the line that starts with `Output` (its language tag ignored). */
  output: string;
}

/**
 * Reads the example of `<packageDir>/README.md`: the first ```js block under a heading that
 * starts with `## Example`, and the first fenced block after the following line that starts
 * with `Output`. Throws naming the file when either is missing.
 */
export async function readReadmeExample(packageDir: string): Promise<ReadmeExample> {
  const path = join(packageDir, 'README.md');
  const readme = await readFile(path, 'utf8');
  const match = /^## Example[^\n]*\n[\s\S]*?```js\n([\s\S]*?)```[\s\S]*?^Output[^\n]*\n\s*```[^\n]*\n([\s\S]*?)```/m.exec(readme);
  if (!match) throw new Error(`${path}: no "## Example" with a \`\`\`js block followed by an "Output" block`);
  return { code: match[1]!, output: match[2]! };
}

/** Options of {@link runReadmeExample}. */
export interface RunReadmeOptions {
  /** Code appended after the example (for example to print a temp path for cleanup). */
  append?: string;
  /** Milliseconds before the example is killed (default 60 s). */
  timeout?: number;
}

/**
 * Runs the README example of `packageDir` as an ES module with the package's own dependencies
 * (its cwd is the package), and returns the claimed output and what it really printed.
 */
export async function runReadmeExample(
  packageDir: string,
  options: RunReadmeOptions = {},
): Promise<{ expected: string; stdout: string }> {
  const { code, output } = await readReadmeExample(packageDir);
  const source = options.append ? `${code}\n${options.append}` : code;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], {
    cwd: packageDir,
    timeout: options.timeout ?? 60_000,
  });
  return { expected: output, stdout };
}

/** Options of {@link runReadmeExampleInTempRoot}. */
export interface TempRootReadmeOptions {
  /** The example's variable that holds its temp dir (default `root`). */
  variable?: string;
  /** What the README shows in place of the temp dir's real path, e.g. `/tmp/lcow-Xy12`. */
  placeholder?: string;
  /** Milliseconds before the example is killed (default 60 s). */
  timeout?: number;
}

/**
 * Runs the README example of `packageDir` whose output names a temp dir it made (in
 * `options.variable`): the dir is printed last, removed at the test's teardown, and replaced by
 * `options.placeholder` in what the example printed, so the output compares with the README.
 */
export async function runReadmeExampleInTempRoot(
  t: ExecutionContext,
  packageDir: string,
  options: TempRootReadmeOptions = {},
): Promise<{ expected: string; stdout: string; root: string }> {
  const variable = options.variable ?? 'root';
  const { expected, stdout } = await runReadmeExample(packageDir, {
    append: `console.log(${variable});`,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  const lines = stdout.trimEnd().split('\n');
  const root = lines.pop() ?? '';
  if (!root.startsWith('/')) throw new Error(`README example of ${packageDir} did not leave its temp dir in "${variable}"`);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const printed = `${lines.join('\n')}\n`;
  return { expected, stdout: options.placeholder ? printed.replaceAll(root, options.placeholder) : printed, root };
}
