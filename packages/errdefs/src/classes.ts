import { ErrdefsError, type ErrdefsErrorOptions } from './errdefs-error.js';

/** The object (snapshot, container, image, content, lease, namespace, task) does not exist. Code `NotFound`. */
export class NotFoundError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('NotFound', message, options);
  }
}

/** An object with that key, name or id exists already. Code `AlreadyExists`. */
export class AlreadyExistsError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('AlreadyExists', message, options);
  }
}

/** The request is malformed: a bad identifier, option, filter, path or value. Code `InvalidArgument`. */
export class InvalidArgumentError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('InvalidArgument', message, options);
  }
}

/** The system is not in the state the operation needs (a snapshot has children, a task is running, a lock is held). Code `FailedPrecondition`. */
export class FailedPreconditionError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('FailedPrecondition', message, options);
  }
}

/** The operation is not supported here, for example on this platform. Code `NotImplemented`. */
export class NotImplementedError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('NotImplemented', message, options);
  }
}

/** The resource is temporarily unavailable (a daemon that is not up, a content ref that is locked); retrying may work. Code `Unavailable`. */
export class UnavailableError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('Unavailable', message, options);
  }
}

/** An error that fits no other class. Code `Unknown`. */
export class UnknownError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('Unknown', message, options);
  }
}

/** The operation was canceled by its caller (an AbortSignal fired). Code `Canceled`. */
export class CanceledError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('Canceled', message, options);
  }
}

/** The operation did not finish before its deadline. Code `DeadlineExceeded`. */
export class DeadlineExceededError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('DeadlineExceeded', message, options);
  }
}

/** The caller may not perform the operation (for example, not root). Code `PermissionDenied`. */
export class PermissionDeniedError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('PermissionDenied', message, options);
  }
}

/** A limit was hit: message size, disk space, file descriptors. Code `ResourceExhausted`. */
export class ResourceExhaustedError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('ResourceExhausted', message, options);
  }
}

/** The operation was aborted, typically by a concurrency conflict such as a transaction that must be retried. Code `Aborted`. */
export class AbortedError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('Aborted', message, options);
  }
}

/** An offset or size lies outside the valid range (content read past the end, write at the wrong offset). Code `OutOfRange`. */
export class OutOfRangeError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('OutOfRange', message, options);
  }
}

/** Data was lost or corrupted (a short write, a digest that does not match). Code `DataLoss`. */
export class DataLossError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('DataLoss', message, options);
  }
}

/** The caller has no valid credentials. Code `Unauthenticated`. */
export class UnauthenticatedError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('Unauthenticated', message, options);
  }
}

/** The operation conflicts with the current state of the object (sent as FailedPrecondition on the wire). Code `Conflict`. */
export class ConflictError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('Conflict', message, options);
  }
}

/** The object was not modified (sent as FailedPrecondition on the wire). Code `NotModified`. */
export class NotModifiedError extends ErrdefsError {
  constructor(message = '', options: ErrdefsErrorOptions = {}) {
    super('NotModified', message, options);
  }
}
