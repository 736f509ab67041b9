import test from 'ava';
import {
  ErrdefsError,
  NotFoundError,
  AlreadyExistsError,
  errorCodes,
  createError,
  errorCode,
  isNotFound,
  isAlreadyExists,
  isCanceled,
  isDeadlineExceeded,
  isUnknown,
} from '@proj/errdefs';
import * as errdefs from '@proj/errdefs';

test('every code has a class whose predicate recognises it and only it', (t) => {
  for (const code of errorCodes) {
    const err = createError(code, `thing ${code}`);
    t.is(err.code, code);
    t.is(err.name, `${code}Error`);
    t.is(err.message, `thing ${code}`);
    t.true(ErrdefsError.isInstance(err));
    t.is(errorCode(err), code);
    for (const other of errorCodes) {
      const predicate = (errdefs as unknown as Record<string, (e: unknown) => boolean>)[`is${other}`];
      t.is(predicate?.(err), other === code, `is${other}(${code})`);
    }
  }
});

test('predicates look through the cause chain', (t) => {
  const root = new NotFoundError('snapshot "x" does not exist');
  const wrapped = new Error('prepare failed', { cause: new Error('inner', { cause: root }) });
  t.true(isNotFound(wrapped));
  t.false(isAlreadyExists(wrapped));
  t.is(errorCode(wrapped), 'NotFound');
});

test('the outermost class wins when classes are nested', (t) => {
  const err = new AlreadyExistsError('snapshot "a"', { cause: new NotFoundError('parent') });
  t.is(errorCode(err), 'AlreadyExists');
  t.true(isNotFound(err.cause));
});

test('brands work across duplicate copies (no instanceof)', (t) => {
  const foreign = Object.create(Object.prototype) as Record<string | symbol, unknown>;
  Object.defineProperty(foreign, Symbol.for('proj.errdefs.error'), { value: true });
  foreign.code = 'NotFound';
  foreign.message = 'from another copy';
  t.true(isNotFound(foreign));
  t.false(foreign instanceof ErrdefsError);
});

test('plain errors and non-errors are Unknown', (t) => {
  t.is(errorCode(new Error('boom')), 'Unknown');
  t.is(errorCode('a string'), 'Unknown');
  t.is(errorCode(undefined), 'Unknown');
  // As Go's errdefs.IsUnknown: only an error of class Unknown, not any error without a class.
  t.false(isUnknown(new Error('boom')));
  t.true(isUnknown(new Error('wrapped', { cause: createError('Unknown', 'x') })));
});

test('AbortSignal reasons map to Canceled and DeadlineExceeded', (t) => {
  const controller = new AbortController();
  controller.abort();
  t.true(isCanceled(controller.signal.reason));
  t.true(isDeadlineExceeded(new DOMException('timed out', 'TimeoutError')));
});

test('a self-referencing cause chain terminates', (t) => {
  const a = new Error('a') as Error & { cause?: unknown };
  a.cause = a;
  t.is(errorCode(a), 'Unknown');
});

test('an empty message falls back to the class text', (t) => {
  t.is(new NotFoundError().message, 'not found');
});
