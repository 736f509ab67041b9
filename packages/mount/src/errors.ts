import { type ErrdefsError, type ErrorCode, createError } from '@proj/errdefs';
import { isNativeError } from './native.js';

const errnoCodes: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'NotFound',
  ENOTDIR: 'InvalidArgument',
  EEXIST: 'AlreadyExists',
  EINVAL: 'InvalidArgument',
  ENODEV: 'InvalidArgument',
  ENAMETOOLONG: 'InvalidArgument',
  ENOTBLK: 'InvalidArgument',
  EPERM: 'PermissionDenied',
  EACCES: 'PermissionDenied',
  EROFS: 'PermissionDenied',
  EBUSY: 'Unavailable',
  EAGAIN: 'Unavailable',
  EWOULDBLOCK: 'Unavailable',
  ENOSYS: 'NotImplemented',
  EOPNOTSUPP: 'NotImplemented',
  ENOMEM: 'ResourceExhausted',
  ENOSPC: 'ResourceExhausted',
  EMFILE: 'ResourceExhausted',
  ENFILE: 'ResourceExhausted',
  ELOOP: 'InvalidArgument',
};

/**
 * Turns a system call failure into the errdefs class that says what went wrong, with
 * `what` (e.g. `mount overlay on /x`) in front of the system's words; the original error is
 * the `cause`.
 */
export function systemError(err: unknown, what: string): ErrdefsError {
  if (isNativeError(err)) {
    const code = errnoCodes[err.code] ?? 'Unknown';
    return createError(code, `${what}: ${err.message}`, { cause: err });
  }
  const nodeCode = (err as { code?: unknown } | undefined)?.code;
  const code = typeof nodeCode === 'string' ? (errnoCodes[nodeCode] ?? 'Unknown') : 'Unknown';
  return createError(code, `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** The errno name of a failure from the addon or from node:fs, if it has one. */
export function errnoName(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
