// Client and server interceptors together over a real socket: span names,
// kinds, parents, attributes, status mapping, message events, streams of
// every kind, filter and propagator options.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { context, propagation, SpanKind, SpanStatusCode, type TextMapPropagator, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Code, createClient, Metadata, Server, type ServiceImpl, TtrpcError } from "@ttrpc-ts/runtime";
import { createOtelClientInterceptor, createOtelServerInterceptor, type OtelOptions } from "../src/index.js";
import { Streaming } from "./gen/ttrpc/integration/streaming/test_pb.js";
import { collect, from, memoryProvider, serve, spanNamed, streamingService } from "./tracing-setup.js";

const SVC = "ttrpc.integration.streaming.Streaming";

async function setup(t: Parameters<typeof serve>[0], impl: Partial<ServiceImpl<typeof Streaming>> = {}, extra: OtelOptions = {}) {
  const mem = memoryProvider();
  const opts: OtelOptions = { tracerProvider: mem.provider, messageEvents: ["sent", "received"], ...extra };
  const server = new Server({ interceptors: [createOtelServerInterceptor(opts)] });
  server.register(Streaming, { ...streamingService(), ...impl });
  const { client, connect } = await serve(t, server, [createOtelClientInterceptor(opts)]);
  const tracer = mem.provider.getTracer("test");
  return { svc: createClient(Streaming, client), spans: mem.spans, tracer, connect, provider: mem.provider };
}

function events(span: ReadableSpan): string[] {
  return span.events.map((e) => `${e.name}:${String(e.attributes?.["message.type"])}:${String(e.attributes?.["message.id"])}`);
}

function pair(spans: readonly ReadableSpan[], method: string): { client: ReadableSpan; server: ReadableSpan } {
  return { client: spanNamed(spans, `${SVC}/${method}`, SpanKind.CLIENT), server: spanNamed(spans, `${SVC}/${method}`, SpanKind.SERVER) };
}

describe("otel interceptors, unary", () => {
  it("continues the caller's trace: parent → client span → server span, with otelttrpc's names and attributes", async (t) => {
    let seen: { traceparent: string | undefined; active: string | undefined } = { traceparent: undefined, active: undefined };
    const { svc, spans, tracer } = await setup(t, {
      echo: (req, ctx) => {
        seen = { traceparent: ctx.metadata.get("traceparent"), active: trace.getActiveSpan()?.spanContext().spanId };
        return { seq: req.seq + 1, msg: req.msg };
      },
    });
    const parent = tracer.startSpan("parent");
    await context.with(trace.setSpan(context.active(), parent), () => svc.echo({ seq: 1, msg: "hi" }));
    parent.end();

    const { client, server } = pair(spans(), "Echo");
    const tid = parent.spanContext().traceId;
    assert.equal(client.spanContext().traceId, tid);
    assert.equal(server.spanContext().traceId, tid);
    assert.equal(client.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(server.parentSpanContext?.isRemote, true);
    assert.equal(seen.traceparent, `00-${tid}-${client.spanContext().spanId}-01`);
    assert.equal(seen.active, server.spanContext().spanId, "the handler runs with the server span active");
    const attrs = { "rpc.system": "ttrpc", "rpc.service": SVC, "rpc.method": "Echo", "rpc.ttrpc.status_code": 0 };
    assert.deepEqual(client.attributes, attrs);
    assert.deepEqual(server.attributes, attrs);
    assert.equal(client.status.code, SpanStatusCode.UNSET);
    assert.equal(server.status.code, SpanStatusCode.UNSET);
    assert.equal(client.instrumentationScope.name, "@ttrpc-ts/otel");
    assert.deepEqual(events(client), ["message:SENT:1", "message:RECEIVED:1"]);
    assert.deepEqual(events(server), ["message:RECEIVED:1", "message:SENT:1"]);
  });

  it("sends baggage and a tracestate through the global W3C propagators", async (t) => {
    let md: Metadata | undefined;
    const { svc, tracer } = await setup(t, {
      echo: (req, ctx) => {
        md = ctx.metadata;
        return req;
      },
    });
    const parent = tracer.startSpan("parent");
    let ctx = trace.setSpan(context.active(), parent);
    ctx = propagation.setBaggage(ctx, propagation.createBaggage({ tenant: { value: "a" } }));
    await context.with(ctx, () => svc.echo({ seq: 1, msg: "" }));
    parent.end();
    assert.deepEqual(md?.getAll("baggage"), ["tenant=a"]);
    assert.equal(md?.getAll("traceparent").length, 1);
  });

  const mapping: [Code, SpanStatusCode][] = [
    [Code.Canceled, SpanStatusCode.UNSET],
    [Code.InvalidArgument, SpanStatusCode.UNSET],
    [Code.NotFound, SpanStatusCode.UNSET],
    [Code.PermissionDenied, SpanStatusCode.UNSET],
    [Code.Unknown, SpanStatusCode.ERROR],
    [Code.DeadlineExceeded, SpanStatusCode.ERROR],
    [Code.Unimplemented, SpanStatusCode.ERROR],
    [Code.Internal, SpanStatusCode.ERROR],
    [Code.Unavailable, SpanStatusCode.ERROR],
    [Code.DataLoss, SpanStatusCode.ERROR],
  ];
  it("maps status codes as otelttrpc: client spans fail for every code, server spans for 2, 4, 12, 13, 14, 15", async (t) => {
    let code: Code = Code.Unknown;
    const { svc, spans } = await setup(t, {
      echo: () => {
        throw new TtrpcError(`failed with ${code}`, code);
      },
    });
    for (const [c] of mapping) {
      code = c;
      await assert.rejects(svc.echo({ seq: 1, msg: "" }), (e: TtrpcError) => e.code === c);
    }
    const all = spans();
    const clients = all.filter((s) => s.kind === SpanKind.CLIENT);
    const servers = all.filter((s) => s.kind === SpanKind.SERVER);
    assert.deepEqual(
      clients.map((s) => [s.attributes["rpc.ttrpc.status_code"], s.status.code, s.status.message]),
      mapping.map(([c]) => [c, SpanStatusCode.ERROR, `failed with ${c}`]),
    );
    assert.deepEqual(
      servers.map((s) => [s.attributes["rpc.ttrpc.status_code"], s.status.code, s.status.message]),
      mapping.map(([c, st]) => [c, st, st === SpanStatusCode.ERROR ? `failed with ${c}` : undefined]),
    );
    assert.deepEqual(events(servers[0] as ReadableSpan), ["message:RECEIVED:1", "message:SENT:1"]);
  });

  it("a handler throwing a plain Error is UNKNOWN (2) on both sides", async (t) => {
    const { svc, spans } = await setup(t, {
      echo: () => {
        throw new Error("boom");
      },
    });
    await assert.rejects(svc.echo({ seq: 1, msg: "" }));
    const { client, server } = pair(spans(), "Echo");
    assert.deepEqual([client.attributes["rpc.ttrpc.status_code"], client.status], [2, { code: SpanStatusCode.ERROR, message: "boom" }]);
    assert.deepEqual([server.attributes["rpc.ttrpc.status_code"], server.status], [2, { code: SpanStatusCode.ERROR, message: "boom" }]);
  });

  it("a handler forwarding its context upstream sends only the new traceparent", async (t) => {
    const mem = memoryProvider();
    const opts: OtelOptions = { tracerProvider: mem.provider };
    const upstream = new Server({ interceptors: [createOtelServerInterceptor(opts)] });
    let upstreamMd: Metadata | undefined;
    upstream.register(Streaming, {
      ...streamingService(),
      echo: (req, ctx) => {
        upstreamMd = ctx.metadata;
        return req;
      },
    });
    const up = await serve(t, upstream, [createOtelClientInterceptor(opts)]);
    const upSvc = createClient(Streaming, up.client);
    const middle = new Server({ interceptors: [createOtelServerInterceptor(opts)] });
    middle.register(Streaming, { ...streamingService(), echo: (req, ctx) => upSvc.echo(req, ctx) });
    const mid = await serve(t, middle, [createOtelClientInterceptor(opts)]);
    await createClient(Streaming, mid.client).echo({ seq: 1, msg: "" }, { metadata: { "x-app": "1" } });

    const echo = mem.spans().filter((s) => s.name === `${SVC}/Echo`);
    assert.equal(echo.length, 4);
    const byParent = (id: string | undefined) => echo.find((s) => s.parentSpanContext?.spanId === id) as ReadableSpan;
    const c1 = byParent(undefined);
    const s1 = byParent(c1.spanContext().spanId);
    const c2 = byParent(s1.spanContext().spanId);
    const s2 = byParent(c2.spanContext().spanId);
    assert.deepEqual(
      [c1, s1, c2, s2].map((s) => s.kind),
      [SpanKind.CLIENT, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER],
    );
    assert.equal(new Set(echo.map((s) => s.spanContext().traceId)).size, 1, "one trace");
    assert.deepEqual(upstreamMd?.getAll("traceparent"), [`00-${c2.spanContext().traceId}-${c2.spanContext().spanId}-01`]);
    assert.deepEqual(upstreamMd?.getAll("x-app"), ["1"], "other metadata is forwarded");
  });
});

describe("otel interceptors, streams", () => {
  it("server-streaming: one span per side from open to the final status, one event per message", async (t) => {
    let active: string | undefined;
    const { svc, spans } = await setup(t, {
      async *divideStream(req) {
        active = trace.getActiveSpan()?.spanContext().spanId;
        for (let i = 0; i < req.num; i++) yield { add: 1 };
      },
    });
    assert.equal((await collect(svc.divideStream({ sum: 3, num: 3 }))).length, 3);
    const { client, server } = pair(spans(), "DivideStream");
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(active, server.spanContext().spanId, "the generator body runs with the server span active");
    assert.equal(client.attributes["rpc.ttrpc.status_code"], 0);
    assert.equal(server.attributes["rpc.ttrpc.status_code"], 0);
    assert.deepEqual(events(client), ["message:SENT:1", "message:RECEIVED:1", "message:RECEIVED:2", "message:RECEIVED:3"]);
    assert.deepEqual(events(server), ["message:RECEIVED:1", "message:SENT:1", "message:SENT:2", "message:SENT:3"]);
  });

  it("client-streaming: the client span ends OK at the single response", async (t) => {
    const { svc, spans } = await setup(t);
    const sum = await svc.sumStream(from([{ add: 1 }, { add: 2 }, { add: 3 }]));
    assert.equal(sum.sum, 6);
    const { client, server } = pair(spans(), "SumStream");
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.deepEqual([client.attributes["rpc.ttrpc.status_code"], client.status.code], [0, SpanStatusCode.UNSET]);
    assert.deepEqual(events(client), ["message:SENT:1", "message:SENT:2", "message:SENT:3", "message:RECEIVED:1"]);
    assert.deepEqual(events(server), ["message:RECEIVED:1", "message:RECEIVED:2", "message:RECEIVED:3", "message:SENT:1"]);
  });

  it("bidi: events in both directions, spans end with the stream", async (t) => {
    const { svc, spans } = await setup(t);
    const out = await collect(
      svc.echoStream(
        from([
          { seq: 1, msg: "a" },
          { seq: 2, msg: "b" },
        ]),
      ),
    );
    assert.deepEqual(
      out.map((m) => m.seq),
      [2, 3],
    );
    const { client, server } = pair(spans(), "EchoStream");
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(client.spanContext().traceId, server.spanContext().traceId);
    assert.equal(events(client).filter((e) => e.includes("SENT")).length, 2);
    assert.equal(events(client).filter((e) => e.includes("RECEIVED")).length, 2);
    assert.equal(events(server).filter((e) => e.includes("SENT")).length, 2);
    assert.equal(server.attributes["rpc.ttrpc.status_code"], 0);
  });

  it("a stream that ends with an error: code on both spans, status per side", async (t) => {
    const { svc, spans } = await setup(t);
    await assert.rejects(collect(svc.divideStream({ sum: 1, num: -1 })), (e: TtrpcError) => e.code === Code.InvalidArgument);
    const { client, server } = pair(spans(), "DivideStream");
    assert.deepEqual([client.attributes["rpc.ttrpc.status_code"], client.status.code], [3, SpanStatusCode.ERROR]);
    assert.deepEqual([server.attributes["rpc.ttrpc.status_code"], server.status.code], [3, SpanStatusCode.UNSET]);
  });

  it("a caller that stops reading ends its span with CANCELLED (1), not an error", async (t) => {
    const { svc, spans } = await setup(t);
    for await (const _ of svc.divideStream({ sum: 100, num: 100 })) break;
    const client = spanNamed(spans(), `${SVC}/DivideStream`, SpanKind.CLIENT);
    assert.deepEqual([client.attributes["rpc.ttrpc.status_code"], client.status.code], [1, SpanStatusCode.UNSET]);
  });
});

describe("otel interceptors, options", () => {
  it("filter: a filtered call has no span and sends no trace context", async (t) => {
    let md: Metadata | undefined;
    const { svc, spans, tracer } = await setup(
      t,
      {
        echo: (req, ctx) => {
          md = ctx.metadata;
          return req;
        },
      },
      { filter: (call) => call.method !== "Echo" },
    );
    const parent = tracer.startSpan("parent");
    await context.with(trace.setSpan(context.active(), parent), async () => {
      await svc.echo({ seq: 1, msg: "" });
      await collect(svc.divideStream({ sum: 1, num: 1 }));
    });
    parent.end();
    assert.equal(md?.has("traceparent"), false);
    assert.deepEqual(
      spans()
        .map((s) => s.name)
        .sort(),
      ["parent", `${SVC}/DivideStream`, `${SVC}/DivideStream`],
    );
  });

  it("propagator: a given propagator replaces the global one on both sides", async (t) => {
    const custom: TextMapPropagator = {
      inject: (ctx, carrier, setter) => setter.set(carrier, "x-span", trace.getSpan(ctx)?.spanContext().spanId ?? ""),
      extract: (ctx, carrier, getter) => {
        const id = getter.get(carrier, "x-span");
        const spanId = Array.isArray(id) ? id[0] : id;
        return spanId
          ? trace.setSpanContext(ctx, { traceId: "0af7651916cd43dd8448eb211c80319c", spanId, traceFlags: 1, isRemote: true })
          : ctx;
      },
      fields: () => ["x-span"],
    };
    let md: Metadata | undefined;
    const { svc, spans } = await setup(
      t,
      {
        echo: (req, ctx) => {
          md = ctx.metadata;
          return req;
        },
      },
      { propagator: custom },
    );
    await svc.echo({ seq: 1, msg: "" });
    const { client, server } = pair(spans(), "Echo");
    assert.equal(md?.has("traceparent"), false);
    assert.equal(md?.get("x-span"), client.spanContext().spanId);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(server.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
  });

  it("no message events unless asked for", async (t) => {
    const { svc, spans } = await setup(t, {}, { messageEvents: undefined });
    await svc.echo({ seq: 1, msg: "" });
    const { client, server } = pair(spans(), "Echo");
    assert.deepEqual([client.events.length, server.events.length], [0, 0]);
  });

  it("an incoming call without trace context starts a new trace", async (t) => {
    const { svc, spans } = await setup(t);
    await svc.echo({ seq: 1, msg: "" }, { metadata: new Metadata() });
    const { client, server } = pair(spans(), "Echo");
    assert.equal(client.parentSpanContext, undefined);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
  });
});
