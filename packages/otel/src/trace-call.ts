import { type Context, context } from "@opentelemetry/api";
import type { CallNext, StreamRequest, StreamResponse, UnaryRequest, UnaryResponse } from "@ttrpc-ts/runtime";
import type { CallSpan } from "./call-span.js";
import { countMessages, traceStream } from "./traced-stream.js";

/**
 * Runs one call inside `ctx` and reports it to its span: messages each way
 * and the final status. Unary calls end with `next`; streams end with their
 * response stream.
 */
export async function traceCall(
  next: CallNext,
  req: UnaryRequest | StreamRequest,
  ctx: Context,
  call: CallSpan,
  side: "client" | "server",
): Promise<UnaryResponse | StreamResponse> {
  // Requests are sent by the client and received by the server; responses the other way.
  const onRequest = side === "client" ? () => call.sent() : () => call.received();
  const onResponse = side === "client" ? () => call.received() : () => call.sent();
  if (!req.stream) {
    onRequest();
    try {
      const res = await context.with(ctx, () => next(req));
      onResponse();
      call.ok();
      return res;
    } catch (e) {
      // As otelttrpc: the response event is recorded for failures too.
      onResponse();
      call.fail(e);
      throw e;
    }
  }

  req.message = countMessages(req.message, onRequest);
  let res: UnaryResponse | StreamResponse;
  try {
    res = await context.with(ctx, () => next(req));
  } catch (e) {
    call.fail(e);
    throw e;
  }
  if (!res.stream) return res;
  // A client-streaming caller reads its one response and stops (an early
  // `return`): the call is complete at that message.
  const single = side === "client" && req.method.kind === "client_streaming";
  res.message = traceStream(res.message, {
    message: () => {
      onResponse();
      if (single) call.ok();
    },
    end: (...error) => (error.length === 0 ? call.ok() : call.fail(error[0])),
    cancelled: () => call.cancelled(),
    // A streaming handler's body runs as its stream is read: each step gets the span.
    run: (step) => context.with(ctx, step),
  });
  return res;
}
