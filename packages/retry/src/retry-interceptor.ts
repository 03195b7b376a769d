import { Code, type Interceptor, type StreamRequest, type StreamResponse, TtrpcError, type UnaryRequest } from "@ttrpc-ts/runtime";
import { type RetryOptions, type RetryPolicy, resolvePolicy } from "./options.js";
import { isReplayable } from "./replayable.js";
import { type CallLimits, retrying } from "./retry-loop.js";

/**
 * A client interceptor that retries failed calls:
 *
 * - unary calls, always;
 * - client-streaming calls whose messages come from {@link replayable};
 * - server-streaming calls with `serverStreaming: true`, until the first
 *   response message arrives;
 * - never bidirectional streams.
 *
 * Only the configured codes are retried (UNAVAILABLE by default), at most
 * `maxAttempts` attempts in all, with exponential backoff and full jitter.
 * No attempt starts at or after the call's deadline: the last error is
 * returned instead. Aborting the call's signal during a backoff ends it at
 * once with CANCELLED.
 *
 * Put it after a tracing interceptor for one span per call, before it for
 * one span per attempt.
 */
export function createRetryInterceptor(options: RetryOptions = {}): Interceptor {
  const policy = resolvePolicy(options);
  return (next) => async (req) => {
    const limits = { deadline: req.deadline, signal: req.signal };
    // Every attempt gets its own copy: later interceptors may change metadata.
    const attempt = <R extends UnaryRequest | StreamRequest>(r: R): R => ({ ...r, metadata: r.metadata.clone() });
    if (!req.stream) return retrying(policy, limits, () => next(attempt(req)));

    if (req.method.kind === "client_streaming" && isReplayable(req.message)) {
      return retrying(policy, limits, async () => {
        const res = (await next(attempt(req))) as StreamResponse;
        // Read the one response inside the attempt: a failure surfaces here.
        const it = res.message[Symbol.asyncIterator]();
        const first = await it.next();
        await it.return?.();
        return { stream: true, message: first.done ? empty() : once(first.value) } satisfies StreamResponse;
      });
    }

    if (req.method.kind === "server_streaming" && policy.serverStreaming) {
      // The request is one message; keep it so that every attempt can send it.
      const request = await single(req.message);
      return { stream: true, message: retryUntilFirst(policy, limits, () => next(attempt({ ...req, message: once(request) }))) };
    }
    return next(req);
  };
}

/**
 * A response stream that opens the call on the first read and retries the
 * opening until a first message (or the end) arrives.
 */
function retryUntilFirst(policy: RetryPolicy, limits: CallLimits, open: () => Promise<unknown>): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]: () => {
      let it: AsyncIterator<unknown> | undefined;
      return {
        async next() {
          if (it) return it.next();
          const opened = await retrying(policy, limits, async () => {
            const res = (await open()) as StreamResponse;
            const i = res.message[Symbol.asyncIterator]();
            try {
              return { it: i, first: await i.next() };
            } catch (e) {
              await i.return?.().catch(() => {});
              throw e;
            }
          });
          it = opened.it;
          return opened.first;
        },
        async return() {
          await it?.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

async function single(messages: AsyncIterable<unknown>): Promise<unknown> {
  for await (const m of messages) return m;
  throw new TtrpcError("retry: server-streaming call without a request message", Code.InvalidArgument);
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}

async function* empty(): AsyncIterable<never> {}
