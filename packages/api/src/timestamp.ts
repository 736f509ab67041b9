import { create } from '@bufbuild/protobuf';
import { type Timestamp, TimestampSchema } from '@bufbuild/protobuf/wkt';

/**
 * Seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z) since the Unix epoch. containerd's
 * times are non-nullable, so "unset" travels as this value, never as epoch 0.
 */
export const goZeroTimeSeconds = -62135596800n;

/** A new Timestamp holding Go's zero time, what containerd sends for "no time". */
export function zeroTimestamp(): Timestamp {
  return create(TimestampSchema, { seconds: goZeroTimeSeconds, nanos: 0 });
}

/** Whether `ts` means "no time": absent, or Go's zero time. */
export function isZeroTimestamp(ts: Timestamp | undefined): boolean {
  return ts === undefined || (ts.seconds === goZeroTimeSeconds && ts.nanos === 0);
}

/**
 * A Timestamp for `date`, or Go's zero time for `undefined`. Works before 1970 too (seconds
 * are floored, nanos stay in 0..999999999).
 */
export function toTimestamp(date?: Date): Timestamp {
  if (date === undefined) return zeroTimestamp();
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('toTimestamp: invalid Date');
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  return create(TimestampSchema, { seconds: BigInt(seconds), nanos });
}

/** The current time as a Timestamp (millisecond precision). */
export function timestampNow(): Timestamp {
  return toTimestamp(new Date());
}

/** The Date of `ts`, or `undefined` when it means "no time" (absent or Go's zero time). */
export function fromTimestamp(ts: Timestamp | undefined): Date | undefined {
  if (ts === undefined || isZeroTimestamp(ts)) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}

/** Nanoseconds since the Unix epoch of `ts` (negative before 1970); Go's zero time included. */
export function timestampToNanos(ts: Timestamp): bigint {
  return ts.seconds * 1_000_000_000n + BigInt(ts.nanos);
}

/** The Timestamp of `nanos` nanoseconds since the Unix epoch (full precision). */
export function timestampFromNanos(nanos: bigint): Timestamp {
  let seconds = nanos / 1_000_000_000n;
  let rest = nanos - seconds * 1_000_000_000n;
  if (rest < 0n) {
    seconds -= 1n;
    rest += 1_000_000_000n;
  }
  return create(TimestampSchema, { seconds, nanos: Number(rest) });
}
