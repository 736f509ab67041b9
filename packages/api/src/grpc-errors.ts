import { type Metadata, type ServiceError, type StatusObject, status as grpcStatus } from '@grpc/grpc-js';
import { type ErrdefsError, fromGrpcStatus, toGrpcStatus } from '@proj/errdefs';

/**
 * Client side: the errdefs error for a failed gRPC call (containerd's `errgrpc.ToNative`).
 * The daemon's message is kept (without the trailing `": not found"`-style class text), the
 * grpc-js error becomes the `cause`. Anything that is not a gRPC status becomes Unknown.
 */
export function errorFromGrpc(err: unknown): ErrdefsError {
  if (isServiceError(err)) {
    return fromGrpcStatus({ code: err.code, message: err.details ?? '' }, { cause: err });
  }
  return fromGrpcStatus({ code: grpcStatus.UNKNOWN, message: err instanceof Error ? err.message : String(err) }, { cause: err });
}

/**
 * Server side: the gRPC status to answer for a thrown error (containerd's `errgrpc.ToGRPC`):
 * errdefs classes map to their code, the message gets containerd's class suffix, any other
 * error becomes Unknown.
 */
export function grpcStatusFromError(err: unknown, metadata?: Metadata): Partial<StatusObject> {
  const { code, message } = toGrpcStatus(err);
  return metadata ? { code, details: message, metadata } : { code, details: message };
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err;
}
