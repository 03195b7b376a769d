/** Length of the frame header: length (4), stream id (4), type (1), flags (1). */
export const FRAME_HEADER_LENGTH = 10;

/**
 * Default largest frame payload, inclusive: 4 MiB, Go's `messageLengthMax`.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 << 20;

/** Frame types (byte 8 of the header). */
export const FrameType = {
  /** Client to server: opens a stream; payload is a `ttrpc.Request`. */
  Request: 0x01,
  /** Server to client: ends a stream; payload is a `ttrpc.Response`. */
  Response: 0x02,
  /** Either way: one streamed message, or a bare close. */
  Data: 0x03,
} as const;

/** Frame flags (byte 9 of the header). */
export const FrameFlag = {
  /** The sender is done sending on this stream. */
  RemoteClosed: 0x01,
  /** On a Request: the client will send Data frames. */
  RemoteOpen: 0x02,
  /** On a Data frame: there is no message. */
  NoData: 0x04,
} as const;

/** One decoded frame. `payload` may be a view into a socket chunk. */
export interface Frame {
  streamId: number;
  type: number;
  flags: number;
  payload: Uint8Array;
}

/** Writes a frame header into a new 10-byte buffer. */
export function encodeFrameHeader(length: number, streamId: number, type: number, flags: number): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  writeFrameHeader(b, length, streamId, type, flags);
  return b;
}

/** One buffer holding a whole frame: header then payload. */
export function encodeFrame(streamId: number, type: number, flags: number, payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + payload.length);
  writeFrameHeader(b, payload.length, streamId, type, flags);
  b.set(payload, FRAME_HEADER_LENGTH);
  return b;
}

/** Writes a frame header into `b` at `at` (default 0): the one place the header layout is written. */
export function writeFrameHeader(b: Buffer, length: number, streamId: number, type: number, flags: number, at = 0): void {
  b.writeUInt32BE(length, at);
  b.writeUInt32BE(streamId, at + 4);
  b[at + 8] = type;
  b[at + 9] = flags;
}
