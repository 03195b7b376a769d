// Public API of @ttrpc-ts/retry.

/** Options, the injectable clock and the event reported before each backoff. */
export type { RetryClock, RetryEvent, RetryOptions } from "./options.js";
/** Marks client-streaming request messages as safe to send again. */
export { replayable } from "./replayable.js";
/** The retry interceptor. */
export { createRetryInterceptor } from "./retry-interceptor.js";
