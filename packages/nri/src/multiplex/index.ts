// Public API of @ttrpc-ts/nri/multiplex: NRI's connection multiplexer, usable on its own.

/** Connection ids, frame header size and payload limits of the NRI multiplexer. */
export {
  GO_READ_BUFFER_SIZE,
  MAX_MUX_PAYLOAD,
  MUX_HEADER_LENGTH,
  PLUGIN_SERVICE_CONN,
  RESERVED_CONN_ID,
  RUNTIME_SERVICE_CONN,
} from "./constants.js";
/** Logical connections over one stream, each a Node Duplex. */
export { Multiplexer, type MultiplexerOptions, type OpenOptions } from "./multiplexer.js";
/** How a logical connection's writes are cut into frames. */
export type { MuxFraming } from "./mux-connection.js";
/** Frame header encoder and incremental trunk decoder, for tools and tests. */
export { encodeMuxHeader, MuxFrameParser, type MuxFrameSink } from "./mux-frame.js";
/** Go's frame layout for outgoing ttrpc messages. */
export { splitChunk, TtrpcMessageSplitter } from "./ttrpc-message-splitter.js";
