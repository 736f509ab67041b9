import test from 'ava';
import { readFile, rmdir } from 'node:fs/promises';
import { type ErrorCode, NotFoundError, errnoCode, errnoOf, fromSystemError, isNotFound, isPermissionDenied } from '@proj/errdefs';

test('a node:fs ENOENT becomes NotFound with the operation in front and the error as cause', async (t) => {
  const cause = await readFile('/no/such/file').catch((err: unknown) => err);
  const err = fromSystemError(cause, 'read config "/no/such/file"');
  t.true(isNotFound(err));
  t.regex(err.message, /^read config "\/no\/such\/file": ENOENT: no such file or directory/);
  t.is(err.cause, cause);
});

test('errno names map to the classes of docs/errors.md', (t) => {
  const table: Array<[string, ErrorCode]> = [
    ['ENOENT', 'NotFound'],
    ['EEXIST', 'AlreadyExists'],
    ['EINVAL', 'InvalidArgument'],
    ['ENOTDIR', 'InvalidArgument'],
    ['EPERM', 'PermissionDenied'],
    ['EACCES', 'PermissionDenied'],
    ['EROFS', 'PermissionDenied'],
    ['ENOTEMPTY', 'FailedPrecondition'],
    ['EBUSY', 'Unavailable'],
    ['EAGAIN', 'Unavailable'],
    ['ENOSYS', 'NotImplemented'],
    ['ENOSPC', 'ResourceExhausted'],
    ['EMFILE', 'ResourceExhausted'],
    ['EIO', 'Unknown'],
  ];
  for (const [errno, code] of table) {
    t.is(errnoCode(errno), code, errno);
    const err = Object.assign(new Error(`${errno}: something`), { code: errno });
    t.is(fromSystemError(err, 'op').code, code, errno);
  }
});

test('an error that already has a class passes through unchanged', (t) => {
  const original = new NotFoundError('snapshot "x"');
  t.is(fromSystemError(original, 'ignored'), original);
});

test('errnoOf reads errno names only', async (t) => {
  t.is(errnoOf(Object.assign(new Error('x'), { code: 'EBUSY' })), 'EBUSY');
  t.is(errnoOf(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })), undefined);
  t.is(errnoOf('a string'), undefined);
  const denied = await rmdir('/proc/self').catch((err: unknown) => err);
  t.truthy(errnoOf(denied));
  t.false(isPermissionDenied(new Error('no errno')));
});
