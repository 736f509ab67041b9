import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '@proj/errdefs';
import { runCommand } from '../run-command.js';
import type { CreateScratchOptions, ScratchCreator } from './creator.js';

/** Options of {@link runhcsScratchCreator}; they mirror go-runhcs' global flags. */
export interface RunhcsScratchOptions {
  /** Path of runhcs.exe; default: PATH, else next to the running node.exe. */
  runhcs?: string;
  /** Log file for runhcs (`--log`), e.g. `<root>/runhcs-scratch.log`; made absolute. */
  logPath?: string;
  /** `--log-format`; default `json`. */
  logFormat?: 'json' | 'text';
  /** `--owner` of the compute system; default `containerd`. */
  owner?: string;
  /** `--debug`; default true, as containerd's LCOW snapshotter. */
  debug?: boolean;
  /** `--sizeGB`; default runhcs' own (20). */
  sizeGB?: number;
  /** `--linux-bootfiles`: the directory with the LCOW kernel and initrd. */
  bootFiles?: string;
}

/** The argument vector {@link runhcsScratchCreator} passes to runhcs for `destination`. */
export function runhcsScratchArgs(destination: string, options: RunhcsScratchOptions = {}): string[] {
  const args: string[] = [];
  if (options.debug ?? true) args.push('--debug');
  if (options.logPath) args.push('--log', resolve(options.logPath));
  args.push('--log-format', options.logFormat ?? 'json');
  args.push('--owner', options.owner ?? 'containerd');
  args.push('create-scratch', '--destpath', destination);
  if (options.sizeGB !== undefined) {
    if (!Number.isInteger(options.sizeGB) || options.sizeGB < 0) {
      throw new InvalidArgumentError(`runhcs sizeGB ${options.sizeGB} is invalid: use a whole number of GB, 0 for the default`);
    }
    if (options.sizeGB > 0) args.push('--sizeGB', String(options.sizeGB));
  }
  if (options.bootFiles) args.push('--linux-bootfiles', resolve(options.bootFiles));
  return args;
}

/**
 * A {@link ScratchCreator} for Windows hosts: `runhcs.exe create-scratch --destpath <path>`,
 * which boots a utility VM to format the disk, as containerd's LCOW snapshotter does. It can
 * only succeed on Windows with runhcs installed; elsewhere it rejects with NotFound.
 */
export function runhcsScratchCreator(options: RunhcsScratchOptions = {}): ScratchCreator {
  return {
    name: 'runhcs create-scratch',
    async create(destination: string, createOptions: CreateScratchOptions = {}): Promise<void> {
      const program = options.runhcs ?? findRunhcs();
      try {
        await runCommand(program, runhcsScratchArgs(destination, options), {
          ...(createOptions.signal ? { signal: createOptions.signal } : {}),
          installHint: 'install runhcs.exe (Microsoft hcsshim) on PATH or next to node.exe',
        });
      } catch (error) {
        await rm(destination, { force: true });
        throw error;
      }
    },
  };
}

function findRunhcs(): string {
  const beside = join(dirname(process.execPath), 'runhcs.exe');
  return existsSync(beside) ? beside : 'runhcs.exe';
}
