// Public API of @ttrpc-ts/runtime/reconnect: a connection that redials when
// the server restarts.

/** Backoff between dial attempts (exponential, capped, jittered). */
export { type BackoffOptions, backoffDelay } from "./backoff.js";
/** The reconnecting connection, its states and options. */
export { type ConnectionState, ReconnectingConnection, type ReconnectOptions } from "./reconnecting-connection.js";
