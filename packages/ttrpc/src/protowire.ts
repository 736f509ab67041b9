// A minimal protobuf wire-format writer and reader for the handful of ttrpc envelope messages.
// Internal: the package stays independent of any generated code.
import { InvalidArgumentError } from '@proj/errdefs';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Wire types of the protobuf encoding. */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

/** Number of bytes the varint encoding of a non-negative safe integer takes. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Grows a byte array by appending encoded fields; `finish()` returns the bytes written. */
export class ProtoWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialSize = 64) {
    this.buf = new Uint8Array(initialSize);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Writes a non-negative integer (up to 2^53) as a varint. */
  varint(value: number): this {
    this.ensure(10);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.pos++] = value;
    return this;
  }

  /** Writes a signed 64-bit integer as protobuf `int64` (two's complement varint). */
  int64(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0) return this.varint(value);
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  /** Writes a field tag. */
  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** Writes length-delimited bytes (without tag). */
  bytes(value: Uint8Array): this {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Writes a UTF-8 string (without tag). */
  string(value: string): this {
    return this.bytes(textEncoder.encode(value));
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads protobuf fields from a byte array; every malformation throws InvalidArgumentError. */
export class ProtoReader {
  pos = 0;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.end = buf.length;
  }

  private fail(reason: string): never {
    throw new InvalidArgumentError(`malformed ${this.what}: ${reason} at byte ${this.pos}`);
  }

  /** Whether unread bytes remain. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads a varint as an unsigned 64-bit bigint. */
  varint64(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    this.fail('varint longer than 10 bytes');
  }

  /** Reads a varint that must fit a safe integer (lengths, tags, uint32). */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    // Long varints (negative int32/int64): fall back to bigint and keep the low 64 bits.
    this.pos -= 8;
    return Number(BigInt.asIntN(64, this.varint64()));
  }

  /** Reads a protobuf `int64` as a number (precise up to 2^53). */
  int64(): number {
    return Number(BigInt.asIntN(64, this.varint64()));
  }

  /** Reads a protobuf `int32`. */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varint64()));
  }

  /** Reads a field tag: `[fieldNumber, wireType]`. */
  tag(): [number, number] {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) this.fail('field number 0');
    return [field, tag & 7];
  }

  /** Reads length-delimited bytes as a view into the buffer. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.pos) this.fail(`length ${length} runs past the end`);
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }

  /** Reads a UTF-8 string. */
  string(): string {
    const bytes = this.bytes();
    try {
      return textDecoder.decode(bytes);
    } catch {
      this.fail('string is not valid UTF-8');
    }
  }

  /** Skips a field of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint64();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.bytes();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }

  /** Checks that a field has the expected wire type. */
  expect(wireType: number, expected: number, field: string): void {
    if (wireType !== expected) this.fail(`field ${field} has wire type ${wireType}, expected ${expected}`);
  }

  private advance(count: number): void {
    if (count > this.end - this.pos) this.fail('truncated fixed-width field');
    this.pos += count;
  }
}
