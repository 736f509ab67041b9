/**
 * The closed set of error codes, the same classes as containerd's `errdefs`. A code is stable:
 * it never changes meaning within a major release (see `docs/errors.md`).
 */
export const errorCodes = [
  'NotFound',
  'AlreadyExists',
  'InvalidArgument',
  'FailedPrecondition',
  'NotImplemented',
  'Unavailable',
  'Unknown',
  'Canceled',
  'DeadlineExceeded',
  'PermissionDenied',
  'ResourceExhausted',
  'Aborted',
  'OutOfRange',
  'DataLoss',
  'Unauthenticated',
  'Conflict',
  'NotModified',
] as const;

/** One of the {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[number];

/**
 * The text containerd's Go errors carry for each class (`errdefs.ErrNotFound.Error()` is
 * `"not found"`). On the wire a message ends with `": <text>"`; `ctr` prints it that way.
 */
export const kindText: Readonly<Record<ErrorCode, string>> = {
  NotFound: 'not found',
  AlreadyExists: 'already exists',
  InvalidArgument: 'invalid argument',
  FailedPrecondition: 'failed precondition',
  NotImplemented: 'not implemented',
  Unavailable: 'unavailable',
  Unknown: 'unknown',
  Canceled: 'context canceled',
  DeadlineExceeded: 'context deadline exceeded',
  PermissionDenied: 'permission denied',
  ResourceExhausted: 'resource exhausted',
  Aborted: 'aborted',
  OutOfRange: 'out of range',
  DataLoss: 'data loss',
  Unauthenticated: 'unauthenticated',
  Conflict: 'conflict',
  NotModified: 'not modified',
};

/** Whether `value` names one of the {@link errorCodes}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
