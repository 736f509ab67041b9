/** Length in bytes of the ttrpc frame header: 4 length, 4 stream id, 1 type, 1 flags. */
export const frameHeaderLength = 10;

/** The largest frame payload ttrpc accepts, 4 MiB, in either direction. */
export const maxMessageLength = 4 << 20;

/** ttrpc frame types. ttrpc 1.1 knows request and response; 1.2 adds data frames for streams. */
export const MessageType = {
  /** A client's `Request` message. */
  Request: 1,
  /** A server's `Response` message. */
  Response: 2,
  /** A stream data frame (ttrpc 1.2+); this implementation ignores it. */
  Data: 3,
} as const;


/** Frame flags of ttrpc 1.2+. ttrpc 1.1 sends 0; servers ignore flags on request frames. */
export const FrameFlag = {
  /** The sender will send no more frames on this stream (set on unary requests by ttrpc 1.2+). */
  RemoteClosed: 0x1,
  /** The sender keeps the stream open. */
  RemoteOpen: 0x2,
  /** The frame carries no data. */
  NoData: 0x4,
} as const;
