import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api";
import { Code, TtrpcError, type UnaryRequest } from "@ttrpc-ts/runtime";
import type { OtelOptions } from "./options.js";
import {
  ATTR_MESSAGE_ID,
  ATTR_MESSAGE_TYPE,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
  ATTR_RPC_TTRPC_STATUS_CODE,
  EVENT_MESSAGE,
  RPC_SYSTEM_TTRPC,
} from "./semconv.js";

/** Span name and start attributes of a call, as otelttrpc builds them. */
export function spanInfo(method: UnaryRequest["method"]): { name: string; attributes: Attributes } {
  const attributes: Attributes = { [ATTR_RPC_SYSTEM]: RPC_SYSTEM_TTRPC };
  if (method.service !== "") attributes[ATTR_RPC_SERVICE] = method.service;
  if (method.name !== "") attributes[ATTR_RPC_METHOD] = method.name;
  return { name: `${method.service}/${method.name}`, attributes };
}

// otelttrpc marks a server span as failed only for these codes (errors of
// the server rather than of the caller); a client span fails for any code.
const serverErrorCodes: ReadonlySet<Code> = new Set([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

/** The status a call ends with, as the runtime reports it to the peer. */
function statusOf(error: unknown): { code: Code; message: string } {
  if (error instanceof TtrpcError) return { code: error.code === Code.OK ? Code.Unknown : error.code, message: error.rawMessage };
  return { code: Code.Unknown, message: error instanceof Error ? error.message : String(error) };
}

/**
 * The span of one call: counts messages for the message events and ends
 * exactly once with the call's status.
 */
export class CallSpan {
  readonly #span: Span;
  readonly #side: "client" | "server";
  readonly #sentEvents: boolean;
  readonly #receivedEvents: boolean;
  #sent = 0;
  #received = 0;
  #ended = false;

  constructor(span: Span, side: "client" | "server", options: OtelOptions) {
    this.#span = span;
    this.#side = side;
    this.#sentEvents = options.messageEvents?.includes("sent") ?? false;
    this.#receivedEvents = options.messageEvents?.includes("received") ?? false;
  }

  /** One message went out. */
  sent(): void {
    this.#sent++;
    if (this.#sentEvents && !this.#ended) this.#event("SENT", this.#sent);
  }

  /** One message came in. */
  received(): void {
    this.#received++;
    if (this.#receivedEvents && !this.#ended) this.#event("RECEIVED", this.#received);
  }

  /** The call succeeded. */
  ok(): void {
    this.#end(Code.OK);
  }

  /** The call failed with `error`. */
  fail(error: unknown): void {
    const { code, message } = statusOf(error);
    const failed = this.#side === "client" || serverErrorCodes.has(code);
    if (failed && !this.#ended) this.#span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.#end(code);
  }

  /**
   * The reader stopped a stream before its end (a `break` on the client; a
   * dropped connection on the server): CANCELLED, without an error status.
   */
  cancelled(): void {
    this.#end(Code.Canceled);
  }

  #end(code: Code): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#span.setAttribute(ATTR_RPC_TTRPC_STATUS_CODE, code);
    this.#span.end();
  }

  #event(type: "SENT" | "RECEIVED", id: number): void {
    this.#span.addEvent(EVENT_MESSAGE, { [ATTR_MESSAGE_TYPE]: type, [ATTR_MESSAGE_ID]: id });
  }
}
