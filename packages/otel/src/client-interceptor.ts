import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import type { Interceptor } from "@ttrpc-ts/runtime";
import { CallSpan, spanInfo } from "./call-span.js";
import { metadataSetter } from "./metadata-carrier.js";
import { isTraced, type OtelOptions, tracerFor } from "./options.js";
import { traceCall } from "./trace-call.js";

/**
 * A client interceptor that starts a client span for every call (unary and
 * streaming), as a child of the active context, and sends its trace context
 * in the request metadata (`traceparent`, `tracestate`, `baggage` with the
 * W3C propagators), as containerd/otelttrpc's `UnaryClientInterceptor` does.
 *
 * A stream's span ends with the stream: after its last message, at its
 * error, or when the caller stops reading (status code CANCELLED).
 */
export function createOtelClientInterceptor(options: OtelOptions = {}): Interceptor {
  const tracer = tracerFor(options);
  const propagator = options.propagator ?? propagation;
  return (next) => async (req) => {
    if (!isTraced(options, req)) return next(req);
    const { name, attributes } = spanInfo(req.method);
    const parent = context.active();
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    const ctx = trace.setSpan(parent, span);
    propagator.inject(ctx, req.metadata, metadataSetter);
    return traceCall(next, req, ctx, new CallSpan(span, "client", options), "client");
  };
}
