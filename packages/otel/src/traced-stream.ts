/** Calls `onMessage` for every message as the consumer pulls it. */
export async function* countMessages<T>(source: AsyncIterable<T>, onMessage: () => void): AsyncIterable<T> {
  for await (const message of source) {
    onMessage();
    yield message;
  }
}

/** What {@link traceStream} reports. */
export interface StreamHooks {
  /** A message arrived. */
  message(): void;
  /** The stream ended: no argument for OK, else the error it ended with. */
  end(...error: [] | [unknown]): void;
  /** The consumer stopped before the end. */
  cancelled(): void;
  /** Runs each step of the source (the server runs its handler in the span's context). */
  run<R>(step: () => R): R;
}

/**
 * Wraps a response stream so that the span sees every message and the end
 * of the stream: its last message, an error, or the consumer leaving early.
 */
export function traceStream<T>(source: AsyncIterable<T>, hooks: StreamHooks): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = source[Symbol.asyncIterator]();
      let finished = false;
      return {
        async next(): Promise<IteratorResult<T>> {
          if (finished) return { done: true, value: undefined };
          let result: IteratorResult<T>;
          try {
            result = await hooks.run(() => it.next());
          } catch (e) {
            finished = true;
            hooks.end(e);
            throw e;
          }
          if (result.done) {
            finished = true;
            hooks.end();
          } else {
            hooks.message();
          }
          return result;
        },
        async return(value?: unknown): Promise<IteratorResult<T>> {
          if (!finished) {
            finished = true;
            hooks.cancelled();
          }
          await hooks.run(() => it.return?.(value));
          return { done: true, value: undefined };
        },
      };
    },
  };
}
