import { create, type DescMessage, type MessageInitShape, type MessageShape, type Registry } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { packAny, toAnyMessage, unpackAny } from "./any.js";
import { Code, codeName } from "./code.js";
import type { Status } from "./gen/google/rpc/status_pb.js";
import { statusMessage } from "./wire/status-codec.js";

/**
 * A detail to attach to an error: a message schema and a value, packed into
 * `google.protobuf.Any` when the error is sent.
 */
export interface OutgoingDetail<Desc extends DescMessage = DescMessage> {
  desc: Desc;
  value: MessageInitShape<Desc>;
}

/** Options for {@link TtrpcError}. */
export interface TtrpcErrorOptions {
  /** Typed details, sent as `google.rpc.Status.details`. */
  details?: ReadonlyArray<Any | OutgoingDetail> | undefined;
  /** The underlying cause, kept locally and never sent. */
  cause?: unknown;
}

const brand = Symbol.for("@ttrpc-ts/runtime/TtrpcError");

/**
 * The error type of every failed call: a status {@link Code}, the message as
 * sent on the wire (`rawMessage`) and the `google.rpc.Status` details.
 *
 * `message` is prefixed with the code name for logs, e.g.
 * `[NOT_FOUND] thing x not found`; `rawMessage` is the text alone.
 */
export class TtrpcError extends Error {
  // A bundler renames a class that refers to itself ("_TtrpcError"); its name
  // shows in logs and util.inspect, so it is set here.
  static {
    Object.defineProperty(TtrpcError, "name", { value: "TtrpcError" });
  }

  /** The status code. */
  readonly code: Code;
  /** The message without the code prefix, exactly as carried on the wire. */
  readonly rawMessage: string;
  /** Details as `google.protobuf.Any`; decode them with {@link TtrpcError.findDetails}. */
  readonly details: Any[];
  override name = "TtrpcError";

  constructor(message: string, code: Code = Code.Unknown, options?: TtrpcErrorOptions) {
    super(`[${codeName(code)}] ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.rawMessage = message;
    this.details = (options?.details ?? []).map(toAny);
    Object.defineProperty(this, brand, { value: true });
  }

  /**
   * Recognises errors from any copy of this package (two installed versions
   * would otherwise break `instanceof`).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: subclasses keep the normal prototype check
    if (this !== TtrpcError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  /**
   * Turns anything thrown into a TtrpcError: a TtrpcError is returned as is,
   * an abort reason that is a TtrpcError is unwrapped, other errors keep their
   * message and get `code`.
   */
  static from(reason: unknown, code: Code = Code.Unknown): TtrpcError {
    if (reason instanceof TtrpcError) return reason;
    if (reason instanceof Error) {
      if (reason.name === "AbortError" && reason.cause instanceof TtrpcError) return reason.cause;
      if (reason.name === "AbortError" || reason.name === "TimeoutError") {
        return new TtrpcError(reason.message, reason.name === "TimeoutError" ? Code.DeadlineExceeded : Code.Canceled, { cause: reason });
      }
      return new TtrpcError(reason.message, code, { cause: reason });
    }
    return new TtrpcError(String(reason), code, { cause: reason });
  }

  /** Builds an error from a received `google.rpc.Status`. */
  static fromStatus(status: Status): TtrpcError {
    return new TtrpcError(status.message, status.code as Code, { details: status.details });
  }

  /** The `google.rpc.Status` this error is sent as. */
  toStatus(): Status {
    return statusMessage(this.code, this.rawMessage, this.details);
  }

  /**
   * Decodes the details of one message type, skipping the others. Give the
   * schema of the detail (`findDetails(ErrorInfoSchema)`) or a registry.
   */
  findDetails<Desc extends DescMessage>(schema: Desc): MessageShape<Desc>[];
  findDetails(registry: Registry): MessageShape<DescMessage>[];
  findDetails(typeOrRegistry: DescMessage | Registry): MessageShape<DescMessage>[] {
    const out: MessageShape<DescMessage>[] = [];
    for (const any of this.details) {
      const m = unpackAny(any, typeOrRegistry);
      if (m !== undefined) out.push(m);
    }
    return out;
  }
}

function toAny(detail: Any | OutgoingDetail): Any {
  if ("desc" in detail) return packAny(detail.desc, create(detail.desc, detail.value));
  return detail.$typeName === "google.protobuf.Any" ? detail : toAnyMessage(detail);
}

// The errors the runtime itself raises, each with Go's text where Go has one.

/** Marks text cut short by {@link echo} or an oversize error Response. */
export const TRUNCATED = "…(truncated)";

/**
 * A peer-supplied string (a service or method name) as quoted back in an
 * error text: at most `max` characters, marked when cut, so an error
 * Response never grows with what the peer sent.
 */
export function echo(text: string, max = 256): string {
  return text.length <= max ? text : text.slice(0, max) + TRUNCATED;
}

/** Text of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** RESOURCE_EXHAUSTED with Go's exact text, for a frame over the size limit. */
export function oversizeError(length: number, max: number): TtrpcError {
  return new TtrpcError(`message length ${length} exceed maximum message size of ${max}`, Code.ResourceExhausted);
}

/** A peer broke the protocol; Go appends `: protocol error`. */
export function protocolError(what: string): TtrpcError {
  return new TtrpcError(`${what}: protocol error`, Code.Internal);
}

/** A received message that does not decode: `what` is `payload` (a message) or `response` (an envelope). */
export function unmarshalError(what: "payload" | "response", cause: unknown): TtrpcError {
  return new TtrpcError(`ttrpc: error unmarshalling ${what}: ${errorText(cause)}`, Code.Internal, { cause });
}

/** The error a call ends with when its deadline passes. */
export function deadlineError(): TtrpcError {
  return new TtrpcError("deadline exceeded", Code.DeadlineExceeded);
}

/** The error a call ends with when its signal aborts. */
export function abortError(signal: AbortSignal): TtrpcError {
  const reason: unknown = signal.reason;
  if (reason instanceof TtrpcError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new TtrpcError("deadline exceeded", Code.DeadlineExceeded, { cause: reason });
  }
  return new TtrpcError("call cancelled", Code.Canceled, { cause: reason });
}
