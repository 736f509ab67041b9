import test from 'ava';
import {
  GrpcCode,
  errorCodes,
  createError,
  toGrpcStatus,
  fromGrpcStatus,
  grpcCodeOf,
  NotFoundError,
  ConflictError,
  NotModifiedError,
  isNotFound,
  isFailedPrecondition,
  isConflict,
  isNotModified,
  isNotImplemented,
  isUnknown,
} from '@proj/errdefs';
import type { ErrorCode } from '@proj/errdefs';

// The table of the wire doc, section 4, plus the classes it leaves to containerd/errdefs.
const expected: Record<ErrorCode, number> = {
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  FailedPrecondition: 9,
  Unavailable: 14,
  NotImplemented: 12,
  Canceled: 1,
  DeadlineExceeded: 4,
  Unknown: 2,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Aborted: 10,
  OutOfRange: 11,
  DataLoss: 15,
  Unauthenticated: 16,
  Conflict: 9,
  NotModified: 9,
};

test('each code travels as the gRPC code containerd uses', (t) => {
  for (const code of errorCodes) {
    t.is(grpcCodeOf(code), expected[code], code);
    t.is(toGrpcStatus(createError(code, 'x')).code, expected[code], code);
  }
});

test('every code survives a round trip through a gRPC status', (t) => {
  for (const code of errorCodes) {
    const back = fromGrpcStatus(toGrpcStatus(createError(code, `object "${code}"`)));
    t.is(back.code, code);
    t.is(back.message, `object "${code}"`);
  }
});

test('server messages end with the class text, as ctr prints them', (t) => {
  t.deepEqual(toGrpcStatus(new NotFoundError('snapshot s-active does not exist')), {
    code: GrpcCode.NotFound,
    message: 'snapshot s-active does not exist: not found',
  });
  t.is(toGrpcStatus(new NotFoundError('lease "x": not found')).message, 'lease "x": not found');
  t.deepEqual(toGrpcStatus(new Error('disk on fire')), { code: GrpcCode.Unknown, message: 'disk on fire' });
  t.is(toGrpcStatus(createError('Unknown', 'classified')).message, 'classified: unknown');
});

test('client side strips the class text once and keeps the daemon words', (t) => {
  const err = fromGrpcStatus({ code: 5, message: 'container "c1" in namespace "default": not found' });
  t.true(isNotFound(err));
  t.is(err.message, 'container "c1" in namespace "default"');
  const twice = fromGrpcStatus({ code: 5, message: 'x: not found: not found' });
  t.is(twice.message, 'x: not found');
});

test('FailedPrecondition tells Conflict and NotModified apart by their text', (t) => {
  t.true(isConflict(fromGrpcStatus(toGrpcStatus(new ConflictError('ref locked')))));
  t.true(isNotModified(fromGrpcStatus(toGrpcStatus(new NotModifiedError()))));
  const plain = fromGrpcStatus({ code: 9, message: 'cannot remove snapshot with child: failed precondition' });
  t.true(isFailedPrecondition(plain));
  t.is(plain.message, 'cannot remove snapshot with child');
});

test('Unimplemented maps to NotImplemented; Internal and unknown numbers to Unknown', (t) => {
  t.true(isNotImplemented(fromGrpcStatus({ code: 12, message: 'unknown method Foo' })));
  t.true(isUnknown(fromGrpcStatus({ code: GrpcCode.Internal, message: 'stream broke' })));
  t.true(isUnknown(fromGrpcStatus({ code: 99, message: 'odd' })));
});

test('fromGrpcStatus keeps the transport error as cause', (t) => {
  const cause = new Error('transport');
  t.is(fromGrpcStatus({ code: 5, message: 'x' }, { cause }).cause, cause);
});
