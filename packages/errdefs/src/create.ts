import type { ErrorCode } from './codes.js';
import * as classes from './classes.js';
import type { ErrdefsError, ErrdefsErrorOptions } from './errdefs-error.js';

const constructors: Record<ErrorCode, new (message?: string, options?: ErrdefsErrorOptions) => ErrdefsError> = {
  NotFound: classes.NotFoundError,
  AlreadyExists: classes.AlreadyExistsError,
  InvalidArgument: classes.InvalidArgumentError,
  FailedPrecondition: classes.FailedPreconditionError,
  NotImplemented: classes.NotImplementedError,
  Unavailable: classes.UnavailableError,
  Unknown: classes.UnknownError,
  Canceled: classes.CanceledError,
  DeadlineExceeded: classes.DeadlineExceededError,
  PermissionDenied: classes.PermissionDeniedError,
  ResourceExhausted: classes.ResourceExhaustedError,
  Aborted: classes.AbortedError,
  OutOfRange: classes.OutOfRangeError,
  DataLoss: classes.DataLossError,
  Unauthenticated: classes.UnauthenticatedError,
  Conflict: classes.ConflictError,
  NotModified: classes.NotModifiedError,
};

/** Creates the error class for `code`, e.g. `createError('NotFound', 'lease "x"')`. */
export function createError(code: ErrorCode, message: string, options: ErrdefsErrorOptions = {}): ErrdefsError {
  return new constructors[code](message, options);
}
