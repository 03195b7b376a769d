// OpenTelemetry across languages: @ttrpc-ts/otel against containerd/otelttrpc
// v0.1.0 (interop/go's ttrpc-otel-peer), with in-memory exporters on both
// sides. One trace id end to end, each span the child of the one before.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createOtelClientInterceptor, createOtelServerInterceptor, type OtelOptions } from "@ttrpc-ts/otel";
import { connect, createClient, Server, type TtrpcError } from "@ttrpc-ts/runtime";
import { Interop } from "./gen/ttrpc/interop/v1/interop_pb.js";
import { goPeerUnavailable, tempSocketDir } from "./go-peer.js";
import { type GoSpan, runGoOtelCall, startGoOtelServer } from "./otel-peer.js";

const unavailable = goPeerUnavailable();
const SVC = "ttrpc.interop.v1.Interop";

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const options: OtelOptions = {
  tracerProvider: provider,
  propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  messageEvents: ["sent", "received"],
};

/** A TS span in the Go peer's JSON shape, to compare attributes and events one to one. */
function shape(s: ReadableSpan) {
  return {
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
  };
}

function goSpan(spans: GoSpan[], name: string, kind: string): GoSpan {
  const found = spans.filter((s) => s.name === name && s.kind === kind);
  assert.equal(found.length, 1, `want one Go ${kind} span ${name}, got ${JSON.stringify(spans)}`);
  return found[0] as GoSpan;
}

function tsSpan(name: string, kind: SpanKind): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name && s.kind === kind);
  assert.equal(found.length, 1, `want one TS span ${name}`);
  return found[0] as ReadableSpan;
}

describe("OpenTelemetry: ttrpc-ts ⇄ containerd/otelttrpc", { skip: unavailable }, () => {
  const tmp = tempSocketDir();
  after(() => tmp.cleanup());

  it("Go client span → TS server span: same trace, the Go client span is the parent", async (t) => {
    exporter.reset();
    const socket = join(tmp.dir, "ts1.sock");
    let baggage: string | undefined;
    const server = new Server({ interceptors: [createOtelServerInterceptor(options)] });
    server.register(Interop, {
      echoEmpty: () => {
        baggage = propagation.getActiveBaggage()?.getEntry("peer")?.value;
        return {};
      },
    });
    await server.listen(socket);
    t.after(() => server.close());

    const go = await runGoOtelCall(socket, "EchoEmpty");
    const goClient = goSpan(go.spans, `${SVC}/EchoEmpty`, "client");
    const goParent = goSpan(go.spans, "go-parent", "internal");
    const ts = tsSpan(`${SVC}/EchoEmpty`, SpanKind.SERVER);
    t.diagnostic(
      `trace ${goClient.traceId}: go-parent ${goParent.spanId} → Go client ${goClient.spanId} → TS server ${ts.spanContext().spanId} (parent ${ts.parentSpanContext?.spanId})`,
    );
    assert.equal(goClient.parentSpanId, goParent.spanId);
    assert.equal(ts.spanContext().traceId, goClient.traceId);
    assert.equal(ts.parentSpanContext?.spanId, goClient.spanId);
    assert.equal(ts.parentSpanContext?.isRemote, true);
    assert.equal(baggage, "go", "baggage from Go reaches the handler");
    // Same names, attributes and events as otelttrpc's server span would have.
    assert.deepEqual(shape(ts), {
      attributes: { "rpc.system": "ttrpc", "rpc.service": SVC, "rpc.method": "EchoEmpty", "rpc.ttrpc.status_code": 0 },
      events: [
        { name: "message", attributes: { "message.type": "RECEIVED", "message.id": 1 } },
        { name: "message", attributes: { "message.type": "SENT", "message.id": 1 } },
      ],
    });
    assert.deepEqual(
      { ...goClient.attributes },
      { "rpc.system": "ttrpc", "rpc.service": SVC, "rpc.method": "EchoEmpty", "rpc.ttrpc.status_code": 0 },
    );
  });

  describe("TS client span → Go server span", () => {
    let goServer: Awaited<ReturnType<typeof startGoOtelServer>> | undefined;
    // stop() is idempotent: a failure in before() must not leave the peer running.
    after(() => goServer?.stop());
    let spans: GoSpan[] = [];
    let parentTraceId = "";
    before(async () => {
      exporter.reset();
      const socket = join(tmp.dir, "go1.sock");
      goServer = await startGoOtelServer(socket);
      const conn = await connect(socket, { interceptors: [createOtelClientInterceptor(options)] });
      const svc = createClient(Interop, conn);
      const parent = provider.getTracer("test").startSpan("ts-parent");
      await context.with(trace.setSpan(context.active(), parent), async () => {
        await svc.echoEmpty({});
        await assert.rejects(svc.fail({ code: 14, message: "down" }), (e: TtrpcError) => e.code === 14);
        await assert.rejects(svc.fail({ code: 5, message: "gone" }), (e: TtrpcError) => e.code === 5);
      });
      parent.end();
      conn.close();
      spans = (await goServer.stop()).spans;
      parentTraceId = parent.spanContext().traceId;
    });

    it("EchoEmpty: same trace id, the TS client span is the parent; identical attributes and events", (t) => {
      const ts = tsSpan(`${SVC}/EchoEmpty`, SpanKind.CLIENT);
      const go = goSpan(spans, `${SVC}/EchoEmpty`, "server");
      t.diagnostic(
        `trace ${ts.spanContext().traceId}: TS client ${ts.spanContext().spanId} → Go server ${go.spanId} (parent ${go.parentSpanId})`,
      );
      assert.equal(go.traceId, ts.spanContext().traceId);
      assert.equal(go.traceId, parentTraceId);
      assert.equal(go.parentSpanId, ts.spanContext().spanId);
      assert.equal(go.parentRemote, true);
      assert.equal(go.scope, "github.com/containerd/otelttrpc");
      assert.deepEqual(go.attributes, { "rpc.system": "ttrpc", "rpc.service": SVC, "rpc.method": "EchoEmpty", "rpc.ttrpc.status_code": 0 });
      assert.deepEqual(
        go.events,
        shape(tsSpan(`${SVC}/EchoEmpty`, SpanKind.CLIENT)).events.map((e) => ({
          name: e.name,
          attributes: { ...e.attributes, "message.type": e.attributes?.["message.type"] === "SENT" ? "RECEIVED" : "SENT" },
        })),
      );
    });

    it("status mapping matches otelttrpc's server side: UNAVAILABLE is an error, NOT_FOUND is not", () => {
      const fails = spans.filter((s) => s.name === `${SVC}/Fail`);
      assert.deepEqual(
        fails.map((s) => [s.attributes["rpc.ttrpc.status_code"], s.status.code, s.status.description]),
        [
          [14, "Error", "down"],
          [5, "Unset", ""],
        ],
      );
      const tsFails = exporter.getFinishedSpans().filter((s) => s.name === `${SVC}/Fail` && s.kind === SpanKind.CLIENT);
      assert.deepEqual(
        tsFails.map((s) => [s.attributes["rpc.ttrpc.status_code"], s.status.code, s.status.message]),
        [
          [14, SpanStatusCode.ERROR, "down"],
          [5, SpanStatusCode.ERROR, "gone"],
        ],
      );
      for (const [i, f] of fails.entries()) assert.equal(f.parentSpanId, tsFails[i]?.spanContext().spanId);
    });
  });

  it("Go → TS → Go: a TS handler calling Go with its context keeps one trace, each span the child of the previous", async (t) => {
    exporter.reset();
    const goSocket = join(tmp.dir, "go2.sock");
    const tsSocket = join(tmp.dir, "ts2.sock");
    const goServer = await startGoOtelServer(goSocket);
    let goServerSpans: GoSpan[] | undefined;
    t.after(async () => {
      goServerSpans ??= (await goServer.stop()).spans;
    });
    const upstream = await connect(goSocket, { interceptors: [createOtelClientInterceptor(options)] });
    t.after(() => upstream.close());
    const up = createClient(Interop, upstream);
    const server = new Server({ interceptors: [createOtelServerInterceptor(options)] });
    server.register(Interop, { echoEmpty: (_req, ctx) => up.echoEmpty({}, ctx) });
    await server.listen(tsSocket);
    t.after(() => server.close());

    const go = await runGoOtelCall(tsSocket, "EchoEmpty");
    goServerSpans = (await goServer.stop()).spans;

    const p = goSpan(go.spans, "go-parent", "internal");
    const c1 = goSpan(go.spans, `${SVC}/EchoEmpty`, "client");
    const s1 = tsSpan(`${SVC}/EchoEmpty`, SpanKind.SERVER);
    const c2 = tsSpan(`${SVC}/EchoEmpty`, SpanKind.CLIENT);
    const s2 = goSpan(goServerSpans, `${SVC}/EchoEmpty`, "server");
    t.diagnostic(
      `trace ${p.traceId}: go-parent ${p.spanId} → Go client ${c1.spanId} → TS server ${s1.spanContext().spanId} → TS client ${c2.spanContext().spanId} → Go server ${s2.spanId}`,
    );
    const traceIds = new Set([p.traceId, c1.traceId, s1.spanContext().traceId, c2.spanContext().traceId, s2.traceId]);
    assert.equal(traceIds.size, 1, "one trace id end to end");
    assert.equal(c1.parentSpanId, p.spanId);
    assert.equal(s1.parentSpanContext?.spanId, c1.spanId);
    assert.equal(c2.parentSpanContext?.spanId, s1.spanContext().spanId);
    assert.equal(s2.parentSpanId, c2.spanContext().spanId);
  });
});
