import { type ErrdefsError, GrpcCode, fromGrpcStatus, toGrpcStatus } from '@proj/errdefs';
import type { StatusMessage } from './messages.js';

/**
 * The status a server sends for an error thrown by a handler, through errdefs' one mapping
 * (`NotFoundError` → NotFound with `": not found"` appended, plain errors → Unknown).
 */
export function statusFromError(err: unknown): StatusMessage {
  const status = toGrpcStatus(err);
  return { code: status.code, message: status.message };
}

/** The errdefs error a client raises for a non-OK status (Unimplemented → NotImplementedError, ...). */
export function errorFromStatus(status: StatusMessage): ErrdefsError {
  return fromGrpcStatus({ code: status.code, message: status.message });
}

/** Whether a status means success (absent or code OK). */
export function isOk(status: StatusMessage | undefined): boolean {
  return status === undefined || status.code === GrpcCode.OK;
}
