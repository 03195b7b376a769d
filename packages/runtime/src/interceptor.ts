import type { HandlerContext } from "./handler-context.js";
import type { Metadata } from "./metadata.js";
import type { MethodDef } from "./method.js";

interface RequestCommon<I, O> {
  /** The method being called. */
  readonly method: MethodDef<I, O>;
  /** Request metadata; interceptors may change it before calling `next`. */
  metadata: Metadata;
  /**
   * Absolute deadline in epoch milliseconds, or undefined. Client
   * interceptors may change it; it is sent as `timeout_nano`. On the server
   * it is the deadline the client sent; a changed value is what the
   * handler's context shows (the server still answers DEADLINE_EXCEEDED at
   * the client's deadline, since the client gives up then).
   */
  deadline: number | undefined;
  /** The caller's signal (client) or the handler's signal (server). */
  readonly signal: AbortSignal | undefined;
  /** Set on the server: the context the handler will get. */
  readonly context: HandlerContext | undefined;
}

/** A unary call on its way through the interceptors. */
export interface UnaryRequest<I = unknown, O = unknown> extends RequestCommon<I, O> {
  readonly stream: false;
  /** The request message. */
  message: I;
}

/**
 * A streaming call on its way through the interceptors. `message` is the
 * request stream (a single message for server-streaming methods).
 */
export interface StreamRequest<I = unknown, O = unknown> extends RequestCommon<I, O> {
  readonly stream: true;
  message: AsyncIterable<I>;
}

/** The result of a unary call. */
export interface UnaryResponse<O = unknown> {
  readonly stream: false;
  message: O;
}

/** The result of a streaming call: the response stream. */
export interface StreamResponse<O = unknown> {
  readonly stream: true;
  message: AsyncIterable<O>;
}

/** The next step of a call: the following interceptor, or the call itself. */
export type CallNext = (request: UnaryRequest | StreamRequest) => Promise<UnaryResponse | StreamResponse>;

/**
 * Wraps a call. Works for unary calls (`req.stream === false`) and streams
 * alike, on the client and on the server:
 *
 * ```ts
 * const logger: Interceptor = (next) => async (req) => {
 *   req.metadata.set("x-request-id", randomUUID());
 *   const res = await next(req);
 *   return res;
 * };
 * ```
 *
 * In a list, the first interceptor is the outermost.
 */
export type Interceptor = (next: CallNext) => CallNext;

/** Composes interceptors around `call`; the first one runs first. */
export function applyInterceptors(call: CallNext, interceptors: readonly Interceptor[] | undefined): CallNext {
  if (!interceptors || interceptors.length === 0) return call;
  let next = call;
  for (let i = interceptors.length - 1; i >= 0; i--) next = (interceptors[i] as Interceptor)(next);
  return next;
}
