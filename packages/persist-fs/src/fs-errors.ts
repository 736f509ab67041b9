import {
  AlreadyExistsError,
  ErrdefsError,
  FailedPreconditionError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnknownError,
} from '@proj/errdefs';

/** The errno code of a Node system error (`'ENOENT'`), if it has one. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
}

/**
 * Wraps a file-system error in the errdefs class its errno means, with `message` (which should
 * name the path and the operation) in front: ENOENT is NotFound, EEXIST AlreadyExists, EACCES and
 * EPERM PermissionDenied, ENOSPC and EDQUOT ResourceExhausted, ENOTEMPTY and EBUSY
 * FailedPrecondition, anything else Unknown. An errdefs error is passed through unchanged.
 */
export function fsError(message: string, err: unknown): ErrdefsError {
  if (ErrdefsError.isInstance(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const text = `${message}: ${detail}`;
  switch (errnoOf(err)) {
    case 'ENOENT':
      return new NotFoundError(text, { cause: err });
    case 'EEXIST':
      return new AlreadyExistsError(text, { cause: err });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new PermissionDeniedError(text, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new ResourceExhaustedError(text, { cause: err });
    case 'ENOTEMPTY':
    case 'EBUSY':
      return new FailedPreconditionError(text, { cause: err });
    default:
      return new UnknownError(text, { cause: err });
  }
}
