import { type ErrorCode, kindText } from './codes.js';

const errdefsBrand = Symbol.for('proj.errdefs.error');

/** Options for every errdefs error: the error it wraps, as in `new Error(message, { cause })`. */
export interface ErrdefsErrorOptions {
  /** The lower-level error this one adds context to. */
  cause?: unknown;
}

/**
 * The base of every errdefs class. Instances are branded with `Symbol.for('proj.errdefs.error')`
 * and carry their {@link ErrorCode} in `code`, so the predicates (`isNotFound(err)`) work even
 * when two copies of this package are installed, where `instanceof` would not.
 */
export class ErrdefsError extends Error {
  /** The class of this error; stable across releases. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: ErrdefsErrorOptions = {}) {
    super(message || kindText[code], 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    Object.defineProperty(this, errdefsBrand, { value: true });
    Object.defineProperty(this, 'name', { value: `${code}Error`, enumerable: false, configurable: true });
  }

  /** Whether `value` is an errdefs error from any copy of this package. */
  static isInstance(value: unknown): value is ErrdefsError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[errdefsBrand] === true &&
      typeof (value as { code?: unknown }).code === 'string'
    );
  }
}
