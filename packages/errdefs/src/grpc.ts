import { type ErrorCode, kindText } from './codes.js';
import { createError } from './create.js';
import type { ErrdefsError } from './errdefs-error.js';
import { findErrorCode } from './predicates.js';

/** gRPC status codes (google.rpc.Code), by name. */
export const GrpcCode = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

/** A gRPC status as it travels: a numeric code and a message. */
export interface GrpcStatus {
  code: number;
  message: string;
}

const codeToGrpc: Readonly<Record<ErrorCode, number>> = {
  InvalidArgument: GrpcCode.InvalidArgument,
  NotFound: GrpcCode.NotFound,
  AlreadyExists: GrpcCode.AlreadyExists,
  FailedPrecondition: GrpcCode.FailedPrecondition,
  Conflict: GrpcCode.FailedPrecondition,
  NotModified: GrpcCode.FailedPrecondition,
  Unavailable: GrpcCode.Unavailable,
  NotImplemented: GrpcCode.Unimplemented,
  Canceled: GrpcCode.Canceled,
  DeadlineExceeded: GrpcCode.DeadlineExceeded,
  Unauthenticated: GrpcCode.Unauthenticated,
  PermissionDenied: GrpcCode.PermissionDenied,
  DataLoss: GrpcCode.DataLoss,
  Aborted: GrpcCode.Aborted,
  OutOfRange: GrpcCode.OutOfRange,
  ResourceExhausted: GrpcCode.ResourceExhausted,
  Unknown: GrpcCode.Unknown,
};

const grpcToCode: Readonly<Record<number, ErrorCode>> = {
  [GrpcCode.InvalidArgument]: 'InvalidArgument',
  [GrpcCode.NotFound]: 'NotFound',
  [GrpcCode.AlreadyExists]: 'AlreadyExists',
  [GrpcCode.FailedPrecondition]: 'FailedPrecondition',
  [GrpcCode.Unavailable]: 'Unavailable',
  [GrpcCode.Unimplemented]: 'NotImplemented',
  [GrpcCode.Canceled]: 'Canceled',
  [GrpcCode.DeadlineExceeded]: 'DeadlineExceeded',
  [GrpcCode.Unauthenticated]: 'Unauthenticated',
  [GrpcCode.PermissionDenied]: 'PermissionDenied',
  [GrpcCode.DataLoss]: 'DataLoss',
  [GrpcCode.Aborted]: 'Aborted',
  [GrpcCode.OutOfRange]: 'OutOfRange',
  [GrpcCode.ResourceExhausted]: 'ResourceExhausted',
};

/**
 * The message as containerd puts it on the wire: the error's own text followed by
 * `": <class text>"` (`snapshot "x": not found`), unless the text already ends that way.
 */
export function wireMessage(code: ErrorCode, message: string): string {
  const suffix = kindText[code];
  if (message === '' || message === suffix) return suffix;
  return message.endsWith(`: ${suffix}`) ? message : `${message}: ${suffix}`;
}

/**
 * Server side (containerd's `errgrpc.ToGRPC`): the gRPC status for `err`. Conflict and
 * NotModified travel as FailedPrecondition, told apart by their message suffix; an error with
 * no errdefs class becomes Unknown with its message unchanged (no `: unknown` suffix).
 */
export function toGrpcStatus(err: unknown): GrpcStatus {
  const code = findErrorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  // An error with no class travels as Unknown with its own words, as containerd sends it.
  if (code === undefined) return { code: GrpcCode.Unknown, message };
  return { code: codeToGrpc[code], message: wireMessage(code, message) };
}

/**
 * Client side (containerd's `errgrpc.ToNative`): the errdefs error for a gRPC status. The
 * trailing `": <class text>"` is removed once, so `err.message` is the daemon's own words.
 * Codes with no errdefs class (Internal, and OK by mistake) become Unknown.
 */
export function fromGrpcStatus(status: GrpcStatus, options: { cause?: unknown } = {}): ErrdefsError {
  let code: ErrorCode = grpcToCode[status.code] ?? 'Unknown';
  const message = status.message ?? '';
  if (code === 'FailedPrecondition') {
    if (hasSuffix(message, kindText.Conflict)) code = 'Conflict';
    else if (hasSuffix(message, kindText.NotModified)) code = 'NotModified';
  }
  return createError(code, stripSuffix(message, kindText[code]), options);
}

/** The gRPC status code number an errdefs code travels as. */
export function grpcCodeOf(code: ErrorCode): number {
  return codeToGrpc[code];
}

function hasSuffix(message: string, suffix: string): boolean {
  return message === suffix || message.endsWith(`: ${suffix}`);
}

function stripSuffix(message: string, suffix: string): string {
  if (message === suffix) return message;
  return message.endsWith(`: ${suffix}`) ? message.slice(0, -(suffix.length + 2)) : message;
}
