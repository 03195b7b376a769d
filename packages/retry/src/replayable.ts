const replayables = new WeakSet<object>();

/**
 * The request messages of a client-streaming call, marked as safe to send
 * again: the retry interceptor retries such a call (each attempt sends every
 * message from the start). Other request streams are consumed by the first
 * attempt, so their calls are never retried.
 *
 * ```ts
 * await client.upload(replayable([part1, part2]));
 * ```
 */
export function replayable<T>(messages: readonly T[]): AsyncIterable<T> {
  const copy = [...messages];
  const iterable: AsyncIterable<T> = {
    async *[Symbol.asyncIterator]() {
      yield* copy;
    },
  };
  replayables.add(iterable);
  return iterable;
}

/** Whether `messages` came from {@link replayable}. */
export function isReplayable(messages: AsyncIterable<unknown>): boolean {
  return replayables.has(messages);
}
