import { type ErrorCode } from './codes.js';
import { createError } from './create.js';
import { ErrdefsError } from './errdefs-error.js';

// What an errno means, in containerd's classes. Anything not listed is Unknown.
const errnoCodes: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'NotFound',
  EEXIST: 'AlreadyExists',
  EINVAL: 'InvalidArgument',
  ENODEV: 'InvalidArgument',
  ENOTDIR: 'InvalidArgument',
  EISDIR: 'InvalidArgument',
  ENAMETOOLONG: 'InvalidArgument',
  ENOTBLK: 'InvalidArgument',
  ELOOP: 'InvalidArgument',
  EPERM: 'PermissionDenied',
  EACCES: 'PermissionDenied',
  EROFS: 'PermissionDenied',
  ENOTEMPTY: 'FailedPrecondition',
  EBUSY: 'Unavailable',
  EAGAIN: 'Unavailable',
  EWOULDBLOCK: 'Unavailable',
  ENOSYS: 'NotImplemented',
  EOPNOTSUPP: 'NotImplemented',
  ENOTSUP: 'NotImplemented',
  ENOMEM: 'ResourceExhausted',
  ENOSPC: 'ResourceExhausted',
  EDQUOT: 'ResourceExhausted',
  EMFILE: 'ResourceExhausted',
  ENFILE: 'ResourceExhausted',
  ETIMEDOUT: 'DeadlineExceeded',
};

/** The errno name (`'ENOENT'`) of a Node system error or an addon failure, if it has one. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** The errdefs code an errno name stands for (`ENOENT` → `NotFound`); Unknown when unlisted. */
export function errnoCode(errno: string | undefined): ErrorCode {
  return (errno && errnoCodes[errno]) || 'Unknown';
}

/**
 * Wraps a system call failure (from `node:fs`, `node:child_process` or a native addon) in the
 * errdefs class its errno means, with `message` — which should name the operation and the path —
 * in front of the system's words, and the original error as `cause`. ENOENT is NotFound, EEXIST
 * AlreadyExists, EINVAL/ENOTDIR InvalidArgument, EPERM/EACCES/EROFS PermissionDenied, ENOTEMPTY
 * FailedPrecondition, EBUSY/EAGAIN Unavailable, ENOSPC/EMFILE ResourceExhausted, ENOSYS
 * NotImplemented (docs/errors.md has the table). An error that already has an errdefs class is
 * returned unchanged.
 *
 * @example
 * ```ts
 * try { await rename(from, to); } catch (err) { throw fromSystemError(err, `rename "${from}"`); }
 * ```
 */
export function fromSystemError(err: unknown, message: string): ErrdefsError {
  if (ErrdefsError.isInstance(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return createError(errnoCode(errnoOf(err)), `${message}: ${detail}`, { cause: err });
}
