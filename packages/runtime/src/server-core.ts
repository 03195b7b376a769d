import type { CallNext } from "./interceptor.js";
import type { MethodDef } from "./method.js";
import type { AnyHandler } from "./server-call.js";
import type { ServerConnection } from "./server-connection.js";
import type { TtrpcError } from "./ttrpc-error.js";

/** A method ready to serve: its definition and its interceptor chain. */
export interface RegisteredMethod {
  readonly def: MethodDef;
  readonly call: CallNext;
  /** The bare handler of a unary method when there are no interceptors (the fast path). */
  readonly unary: AnyHandler | undefined;
}

/** What a connection needs from its server. @internal */
export interface ServerCore {
  readonly maxMessageSize: number;
  readonly streamBufferSize: number;
  readonly streamBufferTimeoutMs: number;
  readonly shuttingDown: boolean;
  /** Most calls in progress per connection; 0 means no limit. */
  readonly maxConcurrentStreams: number;
  /** Close connections without calls after this many ms without frames; 0 means never. */
  readonly idleTimeoutMs: number;
  /** The method, or the UNIMPLEMENTED error Go sends. */
  lookup(service: string, method: string): RegisteredMethod | TtrpcError;
  callStarted(): void;
  callDone(): void;
  connectionClosed(conn: ServerConnection): void;
}
