import { Code } from "./code.js";
import type { HandlerContext } from "./handler-context.js";
import type { CallNext, StreamRequest, UnaryRequest } from "./interceptor.js";
import type { MethodKind } from "./method.js";
import type { AnyHandler } from "./server-call.js";
import { TtrpcError } from "./ttrpc-error.js";

/**
 * The innermost step of a server call: calls the user's handler with the
 * shape its method kind needs.
 */
export function invokeHandler(kind: MethodKind, name: string, handler: AnyHandler): CallNext {
  const call = handler as (request: unknown, context: HandlerContext) => unknown;
  switch (kind) {
    case "unary":
      return async (req) => ({ stream: false, message: await call((req as UnaryRequest).message, ctxOf(req)) });
    case "server_streaming":
      return async (req) => {
        const first = await firstMessage((req as StreamRequest).message);
        return { stream: true, message: iterableOf(call(first, ctxOf(req)), name) };
      };
    case "client_streaming":
      return async (req) => ({ stream: true, message: once(await call((req as StreamRequest).message, ctxOf(req))) });
    case "bidi_streaming":
      return async (req) => ({ stream: true, message: iterableOf(call((req as StreamRequest).message, ctxOf(req)), name) });
  }
}

/**
 * The handler's context. When an interceptor replaced `metadata` or
 * `deadline` on the request, the handler sees the replacement.
 */
function ctxOf(req: UnaryRequest | StreamRequest): HandlerContext {
  const ctx = req.context as HandlerContext;
  if (req.metadata === ctx.metadata && req.deadline === ctx.deadline) return ctx;
  const { metadata, deadline } = req;
  return {
    service: ctx.service,
    method: ctx.method,
    metadata,
    deadline,
    peer: ctx.peer,
    get signal() {
      return ctx.signal;
    },
    timeRemaining: () => (deadline === undefined ? undefined : deadline - Date.now()),
  };
}

async function firstMessage(messages: AsyncIterable<unknown>): Promise<unknown> {
  for await (const m of messages) return m;
  throw new TtrpcError("ttrpc: no request message", Code.InvalidArgument);
}

function iterableOf(value: unknown, name: string): AsyncIterable<unknown> {
  if (value !== null && typeof value === "object" && Symbol.asyncIterator in value) return value as AsyncIterable<unknown>;
  if (value !== null && typeof value === "object" && Symbol.iterator in value) return toAsync(value as Iterable<unknown>);
  throw new TtrpcError(`ttrpc: handler for streaming method ${name} must return an AsyncIterable (use an async generator)`, Code.Internal);
}

async function* toAsync<T>(it: Iterable<T>): AsyncIterable<T> {
  yield* it;
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}
