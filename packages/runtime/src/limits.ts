// The defaults of every per-peer limit, in one place: the cost model of
// PROTOCOL.md ("Limits and defences") lists them with the error each gives.
// Each is far above what a containerd-style peer uses and small enough that
// one hostile peer cannot freeze or bloat the process. `Infinity` (or 0
// where noted) lifts a limit, only when asked for.

/** Messages a stream's receive queue holds before reading pauses (Go's value). */
export const DEFAULT_STREAM_BUFFER_SIZE = 64;

/** Bytes a stream's receive queue holds before reading pauses: one max-size message. */
export const DEFAULT_STREAM_BUFFER_BYTES = 4 << 20;

/** Bytes of received messages a connection holds unread, over all its streams, before reading pauses. */
export const DEFAULT_CONNECTION_BUFFER_BYTES = 16 << 20;

/** Calls in progress per connection (Go has no limit; containerd runs a handful). */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 1000;

/** Open connections per server (a shim has a few). */
export const DEFAULT_MAX_CONNECTIONS = 1024;

/** Metadata entries per Request (containerd sends a few; gRPC's header list is 8 KiB). */
export const DEFAULT_MAX_METADATA_ENTRIES = 1024;

/** Metadata bytes per Request, keys and values as sent. */
export const DEFAULT_MAX_METADATA_BYTES = 64 << 10;

/**
 * Decode work per message, in units of about 0.2 µs of protobuf-es decoding
 * on a 2-core machine (a number 1, a string or a sub-message 2, an unknown
 * field 3, a map entry 7, a packed number 1/2): about 100 ms. 100k strings,
 * packed numbers or small sub-messages pass.
 */
export const DEFAULT_MAX_DECODE_COST = 500_000;

/** How long a new connection may take to send its first complete frame. */
export const DEFAULT_FIRST_FRAME_TIMEOUT_MS = 60_000;

/**
 * A frame announced at 16 MiB or more (a non-zero first length byte) and
 * over the size limit is not a big message but a broken or hostile peer:
 * the client closes the connection rather than skip it.
 */
export const MAX_SANE_FRAME_LENGTH = 1 << 24;
