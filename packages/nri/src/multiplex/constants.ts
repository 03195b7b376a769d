/** Connection id 0 is reserved; logical connections use 1 and up. */
export const RESERVED_CONN_ID = 0;

/** The connection on which the runtime calls the plugin's `Plugin` service. */
export const PLUGIN_SERVICE_CONN = 1;

/** The connection on which the plugin calls the runtime's `Runtime` service. */
export const RUNTIME_SERVICE_CONN = 2;

/** Bytes in a multiplexer frame header: connection id and payload length, uint32 big-endian each. */
export const MUX_HEADER_LENGTH = 8;

/**
 * Largest frame payload either side sends or accepts: one ttrpc message at
 * its size limit (10-byte header + 4 MiB). A larger frame is a broken stream.
 */
export const MAX_MUX_PAYLOAD = 10 + 4 * 1024 * 1024;

/**
 * The Go peer reads each connection through a 4096-byte buffer and fails on
 * a frame that does not fit the read it lands in; frames that follow Go's
 * own write pattern (see ttrpc-message-splitter.ts) always fit.
 */
export const GO_READ_BUFFER_SIZE = 4096;
