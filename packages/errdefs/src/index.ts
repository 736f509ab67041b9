/**
 * containerd's error classes for TypeScript.
 *
 * Throw the class that says what went wrong, with a message that names the thing:
 * `throw new NotFoundError(\`snapshot "${key}" does not exist\`)`. Add context with `cause`,
 * never with a new class. Test with the predicates (`isNotFound(err)`), which look through the
 * `cause` chain and work across duplicate copies of this package. Translate only at the edges,
 * with {@link toGrpcStatus} and {@link fromGrpcStatus}.
 *
 * @packageDocumentation
 */
export { errorCodes, type ErrorCode, kindText, isErrorCode } from './codes.js';
export { ErrdefsError, type ErrdefsErrorOptions } from './errdefs-error.js';
export * from './classes.js';
export * from './predicates.js';
export { createError } from './create.js';
export { GrpcCode, type GrpcStatus, toGrpcStatus, fromGrpcStatus, wireMessage, grpcCodeOf } from './grpc.js';
export { fromSystemError, errnoOf, errnoCode } from './system.js';
