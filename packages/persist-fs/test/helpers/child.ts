import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';

const writer = fileURLToPath(new URL('../fixtures/writer.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the writer fixture to completion and returns its stdout. */
export async function runWriter(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [writer, ...args], { cwd: packageDir, timeout: 60_000 });
  return stdout;
}

/** Starts the writer fixture; it is killed (by pid) at teardown if still running. */
export function startWriter(t: ExecutionContext, args: string[]): ChildProcess {
  const child = spawn(process.execPath, [writer, ...args], { cwd: packageDir, stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Resolves with the next full line the child prints. */
export function nextLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline !== -1) {
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve(buffer.slice(0, newline));
      }
    };
    const onExit = (code: number | null) => reject(new Error(`writer exited (${code}) before printing a line`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Kills the child with SIGKILL and waits until it is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
