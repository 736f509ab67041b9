import { execFile } from 'node:child_process';
import { CanceledError, NotFoundError, UnknownError } from '@proj/errdefs';

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Kills the command (SIGKILL) and rejects with Canceled. */
  signal?: AbortSignal;
  /** What to tell the user when the program is missing, e.g. "install e2fsprogs". */
  installHint?: string;
}

/**
 * Runs `file` with `args` (no shell) and resolves with its standard output. Errors: NotFound
 * when the program is not installed, Canceled when `signal` fires, Unknown with the combined
 * output when it exits non-zero.
 */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { signal: options.signal, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(new NotFoundError(`${file} not found on PATH${options.installHint ? `: ${options.installHint}` : ''}`, { cause: error }));
      }
      if (error.name === 'AbortError' || options.signal?.aborted) {
        return reject(new CanceledError(`${file} was canceled`, { cause: error }));
      }
      const output = `${stderr}${stdout}`.trim();
      reject(new UnknownError(`${file} ${args.join(' ')} failed${output ? `: ${output}` : ''}`, { cause: error }));
    });
  });
}
