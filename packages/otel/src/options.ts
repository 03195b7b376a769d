import { type TextMapPropagator, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";
import type { Metadata, StreamRequest, UnaryRequest } from "@ttrpc-ts/runtime";
import { INSTRUMENTATION_NAME, VERSION } from "./version.js";

/** The call a {@link OtelOptions.filter} decides about. */
export interface TracedCall {
  /** Fully qualified service name, e.g. `containerd.task.v3.Task`. */
  readonly service: string;
  /** Method name, e.g. `Create`. */
  readonly method: string;
  /** Which way messages stream: "unary", "server_streaming", "client_streaming" or "bidi_streaming". */
  readonly kind: UnaryRequest["method"]["kind"];
  /** The request metadata (on the client, before trace context is added). */
  readonly metadata: Metadata;
}

/** Which message events to record (containerd/otelttrpc's `WithMessageEvents`). */
export type MessageEventKind = "sent" | "received";

/** Options of both interceptors. */
export interface OtelOptions {
  /** Where spans go. Default: the global provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider | undefined;
  /**
   * How trace context is written to and read from ttrpc metadata. Default:
   * the global propagator (`propagation`), which an SDK usually sets to W3C
   * trace context plus baggage.
   */
  propagator?: TextMapPropagator | undefined;
  /** Return false to leave a call untraced (no span, no propagation). Default: trace every call. */
  filter?: ((call: TracedCall) => boolean) | undefined;
  /**
   * Record a `message` event for every message sent and/or received. Default:
   * none, as in otelttrpc.
   */
  messageEvents?: readonly MessageEventKind[] | undefined;
}

/** The tracer both interceptors use. */
export function tracerFor(options: OtelOptions): Tracer {
  return (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, VERSION);
}

/** Whether the filter lets `req` be traced. */
export function isTraced(options: OtelOptions, req: UnaryRequest | StreamRequest): boolean {
  const m = req.method;
  return options.filter?.({ service: m.service, method: m.name, kind: m.kind, metadata: req.metadata }) ?? true;
}
