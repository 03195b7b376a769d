// An in-memory OpenTelemetry SDK and a traced server + client connected in
// memory (no socket), all torn down after each test.
import type { TestContext } from "node:test";
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Connection, Interceptor, Server } from "@ttrpc-ts/runtime";
import { connectInMemory } from "@ttrpc-ts/runtime/testing";

// Handlers and callers must see the active span across awaits, as with any
// Node SDK; the global propagator is the SDK's usual W3C pair.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));

/** A tracer provider that keeps finished spans in memory. */
export function memoryProvider(): { provider: BasicTracerProvider; spans(): ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, spans: () => exporter.getFinishedSpans() };
}

/** The one finished span called `name`. */
export function spanNamed(spans: readonly ReadableSpan[], name: string, kind?: number): ReadableSpan {
  const found = spans.filter((s) => s.name === name && (kind === undefined || s.kind === kind));
  if (found.length !== 1) throw new Error(`want 1 span ${name}, got ${found.length}: ${spans.map((s) => s.name).join(", ")}`);
  return found[0] as ReadableSpan;
}

/** Serves `server` in memory and connects a client with `interceptors`. */
export async function serve(
  t: TestContext,
  server: Server,
  interceptors: Interceptor[],
): Promise<{ client: Connection; connect(interceptors: Interceptor[]): Promise<Connection> }> {
  const clients: Connection[] = [];
  const open = async (i: Interceptor[]) => {
    const c = connectInMemory(server, { interceptors: i });
    clients.push(c);
    return c;
  };
  t.after(async () => {
    for (const c of clients) c.close();
    await server.close();
  });
  return { client: await open(interceptors), connect: open };
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** An async iterable of `items`. */
export async function* from<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/** The Streaming test service of the runtime's own suites (the interop suite serves it too). */
export { streamingImpl as streamingService } from "../../runtime/test/support/streaming-service.js";
