import { type ErrorCode, isErrorCode } from './codes.js';
import { ErrdefsError } from './errdefs-error.js';

const maxCauseDepth = 32;

/**
 * The {@link ErrorCode} of `err`: the code of the first errdefs error found walking `err` and its
 * `cause` chain (as Go's `errors.Is` walks wrapped errors), or `Unknown` when there is none.
 * An `AbortError` (from an AbortSignal) counts as `Canceled`, a `TimeoutError` as `DeadlineExceeded`.
 */
export function errorCode(err: unknown): ErrorCode {
  return findErrorCode(err) ?? 'Unknown';
}

/** Like {@link errorCode}, but `undefined` when nothing in the chain carries a code. */
export function findErrorCode(err: unknown): ErrorCode | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < maxCauseDepth && current !== undefined && current !== null; depth++) {
    if (ErrdefsError.isInstance(current) && isErrorCode(current.code)) return current.code;
    if (current instanceof Error || typeof current === 'object') {
      const name = (current as { name?: unknown }).name;
      if (name === 'AbortError') return 'Canceled';
      if (name === 'TimeoutError') return 'DeadlineExceeded';
      current = (current as { cause?: unknown }).cause;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Whether `err` or an error in its `cause` chain is of class `NotFound`. */
export const isNotFound = (err: unknown): boolean => findErrorCode(err) === 'NotFound';
/** Whether `err` or an error in its `cause` chain is of class `AlreadyExists`. */
export const isAlreadyExists = (err: unknown): boolean => findErrorCode(err) === 'AlreadyExists';
/** Whether `err` or an error in its `cause` chain is of class `InvalidArgument`. */
export const isInvalidArgument = (err: unknown): boolean => findErrorCode(err) === 'InvalidArgument';
/** Whether `err` or an error in its `cause` chain is of class `FailedPrecondition`. */
export const isFailedPrecondition = (err: unknown): boolean => findErrorCode(err) === 'FailedPrecondition';
/** Whether `err` or an error in its `cause` chain is of class `NotImplemented`. */
export const isNotImplemented = (err: unknown): boolean => findErrorCode(err) === 'NotImplemented';
/** Whether `err` or an error in its `cause` chain is of class `Unavailable`. */
export const isUnavailable = (err: unknown): boolean => findErrorCode(err) === 'Unavailable';
/** Whether `err` or an error in its `cause` chain is of class `Unknown`. */
export const isUnknown = (err: unknown): boolean => findErrorCode(err) === 'Unknown';
/** Whether `err` or an error in its `cause` chain is of class `Canceled`. */
export const isCanceled = (err: unknown): boolean => findErrorCode(err) === 'Canceled';
/** Whether `err` or an error in its `cause` chain is of class `DeadlineExceeded`. */
export const isDeadlineExceeded = (err: unknown): boolean => findErrorCode(err) === 'DeadlineExceeded';
/** Whether `err` or an error in its `cause` chain is of class `PermissionDenied`. */
export const isPermissionDenied = (err: unknown): boolean => findErrorCode(err) === 'PermissionDenied';
/** Whether `err` or an error in its `cause` chain is of class `ResourceExhausted`. */
export const isResourceExhausted = (err: unknown): boolean => findErrorCode(err) === 'ResourceExhausted';
/** Whether `err` or an error in its `cause` chain is of class `Aborted`. */
export const isAborted = (err: unknown): boolean => findErrorCode(err) === 'Aborted';
/** Whether `err` or an error in its `cause` chain is of class `OutOfRange`. */
export const isOutOfRange = (err: unknown): boolean => findErrorCode(err) === 'OutOfRange';
/** Whether `err` or an error in its `cause` chain is of class `DataLoss`. */
export const isDataLoss = (err: unknown): boolean => findErrorCode(err) === 'DataLoss';
/** Whether `err` or an error in its `cause` chain is of class `Unauthenticated`. */
export const isUnauthenticated = (err: unknown): boolean => findErrorCode(err) === 'Unauthenticated';
/** Whether `err` or an error in its `cause` chain is of class `Conflict`. */
export const isConflict = (err: unknown): boolean => findErrorCode(err) === 'Conflict';
/** Whether `err` or an error in its `cause` chain is of class `NotModified`. */
export const isNotModified = (err: unknown): boolean => findErrorCode(err) === 'NotModified';
