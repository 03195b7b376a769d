import { propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import type { Interceptor } from "@ttrpc-ts/runtime";
import { CallSpan, spanInfo } from "./call-span.js";
import { metadataGetter } from "./metadata-carrier.js";
import { isTraced, type OtelOptions, tracerFor } from "./options.js";
import { traceCall } from "./trace-call.js";

/**
 * A server interceptor that reads the caller's trace context from the
 * request metadata and runs every handler (unary and streaming) inside a
 * server span that is its child, as containerd/otelttrpc's
 * `UnaryServerInterceptor` does. Handlers see the span as the active
 * context, so calls they make through a traced client join the trace.
 *
 * The span fails (status Error) only for UNKNOWN, DEADLINE_EXCEEDED,
 * UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS, as in otelttrpc; the
 * status code attribute is always set. A stream's span ends with the stream.
 */
export function createOtelServerInterceptor(options: OtelOptions = {}): Interceptor {
  const tracer = tracerFor(options);
  const propagator = options.propagator ?? propagation;
  return (next) => async (req) => {
    if (!isTraced(options, req)) return next(req);
    const { name, attributes } = spanInfo(req.method);
    // The caller's context only: nothing from the socket's own async context.
    const parent = propagator.extract(ROOT_CONTEXT, req.metadata, metadataGetter);
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    const ctx = trace.setSpan(parent, span);
    return traceCall(next, req, ctx, new CallSpan(span, "server", options), "server");
  };
}
