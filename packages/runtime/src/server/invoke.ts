import { Code } from "../code.js";
import type { CallContext, HandlerContext } from "../handler-context.js";
import type { CallNext, StreamRequest, UnaryRequest } from "../interceptor.js";
import type { MethodDef, MethodKind } from "../method.js";
import { TtrpcError } from "../ttrpc-error.js";

/** A registered handler, untyped: the runtime checks shapes at call time. */
export type AnyHandler = (request: never, context: HandlerContext) => unknown;

/** A method ready to serve: its definition and its interceptor chain. */
export interface RegisteredMethod {
  readonly def: MethodDef;
  readonly call: CallNext;
  /** The bare handler of a unary method when there are no interceptors (the fast path). */
  readonly unary: AnyHandler | undefined;
}

/**
 * The implementation's handler for `name`: an own property or one from a
 * class, never one inherited from `Object.prototype`, so a method named
 * `hasOwnProperty` or `constructor` that is not implemented is
 * UNIMPLEMENTED rather than a call to a built-in.
 */
export function findHandler(impl: object, name: string): unknown {
  for (let o: object | null = impl; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    // A class's own `constructor` is the class, not a handler.
    if (d !== undefined) return name === "constructor" && o !== impl && d.value === impl.constructor ? undefined : Reflect.get(impl, name);
  }
  return undefined;
}

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
  return (req.context as CallContext).withRequest(req.metadata, req.deadline);
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
