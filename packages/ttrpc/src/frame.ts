import type { Socket } from 'node:net';
import { frameHeaderLength, maxMessageLength } from './constants.js';

/** The fixed 10-byte header in front of every ttrpc frame. */
export interface FrameHeader {
  /** Payload length in bytes (header excluded). */
  length: number;
  /** Stream id: odd for client-initiated streams. */
  streamId: number;
  /** Frame type, see {@link MessageType}. */
  type: number;
  /** Frame flags, see {@link FrameFlag}. */
  flags: number;
}

/** A complete frame as read off the wire. */
export interface Frame extends FrameHeader {
  /** The frame's payload: an encoded Request or Response. */
  payload: Buffer;
}

/** What {@link FrameReader.push} reports: a frame, or a frame over the size limit that is being skipped. */
export type FrameEvent = { kind: 'frame'; frame: Frame } | { kind: 'oversize'; header: FrameHeader };

/** Builds one buffer holding the header and payload of a frame. */
export function encodeFrame(streamId: number, type: number, payload: Uint8Array, flags = 0): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderLength + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(streamId >>> 0, 4);
  frame[8] = type;
  frame[9] = flags;
  frame.set(payload, frameHeaderLength);
  return frame;
}

/** Reads a frame header from the first 10 bytes of `bytes`. */
export function decodeFrameHeader(bytes: Uint8Array): FrameHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, frameHeaderLength);
  return { length: view.getUint32(0), streamId: view.getUint32(4), type: view.getUint8(8), flags: view.getUint8(9) };
}

/**
 * Splits a byte stream into ttrpc frames. Frames whose declared length is over the limit are
 * reported as `oversize` and their payload bytes are discarded as they arrive, as ttrpc does,
 * so one oversized message fails one stream and not the connection.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private discarding = 0;

  constructor(private readonly maxLength: number = maxMessageLength) {}

  /** Feeds bytes; returns the frames (and oversize notices) completed by them. */
  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    if (this.discarding > 0) {
      const skipped = Math.min(this.discarding, chunk.length);
      this.discarding -= skipped;
      chunk = chunk.subarray(skipped);
      if (chunk.length === 0) return events;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= frameHeaderLength) {
      const head = this.peek(frameHeaderLength);
      const header = decodeFrameHeader(head);
      if (header.length > this.maxLength) {
        this.consume(frameHeaderLength);
        const skipped = Math.min(header.length, this.buffered);
        this.consume(skipped);
        this.discarding = header.length - skipped;
        events.push({ kind: 'oversize', header });
        continue;
      }
      if (this.buffered < frameHeaderLength + header.length) break;
      this.consume(frameHeaderLength);
      const payload = this.take(header.length);
      events.push({ kind: 'frame', frame: { ...header, payload } });
    }
    return events;
  }

  /**
   * Describes an incomplete frame left in the buffer (for the error when the peer hangs up
   * mid-frame), or `undefined` when the stream ended on a frame boundary.
   */
  incomplete(): string | undefined {
    if (this.discarding > 0) return `an oversized frame was cut short with ${this.discarding} bytes still to come`;
    if (this.buffered === 0) return undefined;
    if (this.buffered < frameHeaderLength) {
      return `truncated frame: ${this.buffered} of ${frameHeaderLength} header bytes`;
    }
    const header = decodeFrameHeader(this.peek(frameHeaderLength));
    return `truncated frame on stream ${header.streamId}: ${this.buffered - frameHeaderLength} of ${header.length} payload bytes`;
  }

  private peek(count: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= count) return first;
    const merged = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [merged];
    return merged;
  }

  private take(count: number): Buffer {
    if (count === 0) return Buffer.alloc(0);
    const first = this.peek(count);
    const out = first.subarray(0, count);
    this.consume(count);
    return out;
  }

  private consume(count: number): void {
    this.buffered -= count;
    while (count > 0) {
      const first = this.chunks[0]!;
      if (first.length <= count) {
        this.chunks.shift();
        count -= first.length;
      } else {
        this.chunks[0] = first.subarray(count);
        count = 0;
      }
    }
  }
}

/**
 * Writes frames to a socket, gathering the frames written in one tick into a single `writev`
 * (cork now, uncork on the next tick), so many concurrent calls cost one syscall, not one each.
 */
export class FrameWriter {
  private corked = false;

  constructor(private readonly socket: Socket) {}

  /** Queues one frame. */
  write(frame: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.flush());
    }
    this.socket.write(frame);
  }

  /** Sends what is queued now instead of on the next tick. */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }
}
