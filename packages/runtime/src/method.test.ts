import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { EchoPayloadSchema, Streaming } from "../test/support/gen/streaming_pb.js";
import { Snake } from "../test/support/snake-service.js";
import type { Connection } from "./client/connection.js";
import { createClient } from "./client/create-client.js";
import { createHandlerContext } from "./handler-context.js";
import { Metadata } from "./metadata.js";
import { type MethodDef, normalizeMethod, normalizeService, type ServiceDef, type TsProtoServiceDefinition } from "./method.js";

describe("normalizeService (protobuf-es)", () => {
  it("takes wire names from the descriptor and kinds from methodKind", () => {
    const def = normalizeService(Streaming);
    assert.equal(def.typeName, "ttrpc.integration.streaming.Streaming");
    assert.deepEqual(
      def.methods.map((m) => [m.service, m.name, m.localName, m.kind]),
      [
        ["ttrpc.integration.streaming.Streaming", "Echo", "echo", "unary"],
        ["ttrpc.integration.streaming.Streaming", "EchoStream", "echoStream", "bidi_streaming"],
        ["ttrpc.integration.streaming.Streaming", "SumStream", "sumStream", "client_streaming"],
        ["ttrpc.integration.streaming.Streaming", "DivideStream", "divideStream", "server_streaming"],
        ["ttrpc.integration.streaming.Streaming", "EchoNull", "echoNull", "client_streaming"],
        ["ttrpc.integration.streaming.Streaming", "EchoNullStream", "echoNullStream", "bidi_streaming"],
        ["ttrpc.integration.streaming.Streaming", "EmptyPayloadStream", "emptyPayloadStream", "server_streaming"],
      ],
    );
  });

  it("snake_case RPCs keep their proto name on the wire", () => {
    const def = normalizeService(Snake);
    assert.deepEqual(
      def.methods.map((m) => m.name),
      ["do_thing", "stream_things"],
    );
  });

  it("is cached per descriptor", () => {
    assert.equal(normalizeService(Streaming), normalizeService(Streaming));
    assert.equal(normalizeMethod(Streaming.method.echo), normalizeMethod(Streaming.method.echo));
  });

  it("codecs accept a message or an init object, and round-trip", () => {
    const echo = normalizeMethod(Streaming.method.echo) as MethodDef<unknown, unknown>;
    const fromInit = echo.encodeInput({ seq: 1, msg: "hi" });
    const fromMessage = echo.encodeInput(create(EchoPayloadSchema, { seq: 1, msg: "hi" }));
    assert.deepEqual(Buffer.from(fromInit).toString("hex"), "080112026869");
    assert.deepEqual(fromInit, fromMessage);
    const out = echo.decodeOutput(toBinary(EchoPayloadSchema, create(EchoPayloadSchema, { seq: 2 }))) as { seq: number };
    assert.equal(out.seq, 2);
    assert.deepEqual(echo.encodeOutput({}), new Uint8Array(0));
    assert.equal((echo.decodeInput(new Uint8Array(0)) as { seq: number }).seq, 0);
  });

  it("decodeInput throws on bytes that are not the message", () => {
    const echo = normalizeMethod(Streaming.method.echo);
    assert.throws(() => echo.decodeInput(Uint8Array.of(0x12, 0x05)));
  });
});

describe("normalizeService (ts-proto generic definitions)", () => {
  interface Msg {
    v: string;
  }
  const fns = {
    encode: (m: Msg) => ({ finish: () => new TextEncoder().encode(m.v) }),
    decode: (b: Uint8Array) => ({ v: new TextDecoder().decode(b) }),
    fromPartial: (o: Partial<Msg>) => ({ v: o.v ?? "" }),
  };
  const svc: TsProtoServiceDefinition = {
    name: "Things",
    fullName: "pkg.v1.Things",
    methods: {
      get: { name: "Get", requestType: fns, requestStream: false, responseType: fns, responseStream: false },
      watch: { name: "Watch", requestType: fns, requestStream: false, responseType: fns, responseStream: true },
      upload: { name: "Upload", requestType: fns, requestStream: true, responseType: fns, responseStream: false },
      chat: { name: "Chat", requestType: fns, requestStream: true, responseType: fns, responseStream: true },
    },
  };

  it("maps names, local names and kinds", () => {
    const def = normalizeService(svc);
    assert.equal(def.typeName, "pkg.v1.Things");
    assert.deepEqual(
      def.methods.map((m) => [m.service, m.name, m.localName, m.kind]),
      [
        ["pkg.v1.Things", "Get", "get", "unary"],
        ["pkg.v1.Things", "Watch", "watch", "server_streaming"],
        ["pkg.v1.Things", "Upload", "upload", "client_streaming"],
        ["pkg.v1.Things", "Chat", "chat", "bidi_streaming"],
      ],
    );
  });

  it("encodes through fromPartial, decodes with decode", () => {
    const get = normalizeService(svc).methods[0] as MethodDef<Partial<Msg>, Msg>;
    assert.equal(new TextDecoder().decode(get.encodeInput({})), "");
    assert.equal(new TextDecoder().decode(get.encodeInput({ v: "x" })), "x");
    assert.deepEqual(get.decodeOutput(new TextEncoder().encode("y")), { v: "y" });
  });
});

describe("normalizeService (ServiceDef) and errors", () => {
  it("a ServiceDef passes through", () => {
    const def: ServiceDef = { typeName: "a.B", methods: [] };
    assert.equal(normalizeService(def), def);
  });

  it("anything else is refused", () => {
    assert.throws(() => normalizeService({} as never), /not a service/);
  });

  it("normalizeMethod returns a MethodDef as is", () => {
    const m = normalizeService(Streaming).methods[0] as MethodDef;
    assert.equal(normalizeMethod(m), m);
  });
});

describe("createClient", () => {
  it("has exactly one method per RPC, by local name, dispatching by kind", () => {
    const seen: string[] = [];
    const fake = {
      unary: (m: MethodDef) => seen.push(`unary ${m.name}`),
      serverStream: (m: MethodDef) => seen.push(`server ${m.name}`),
      clientStream: (m: MethodDef) => seen.push(`client ${m.name}`),
      bidiStream: (m: MethodDef) => seen.push(`bidi ${m.name}`),
    } as unknown as Connection;
    const c = createClient(Streaming, fake);
    assert.deepEqual(Object.keys(c), [
      "echo",
      "echoStream",
      "sumStream",
      "divideStream",
      "echoNull",
      "echoNullStream",
      "emptyPayloadStream",
    ]);
    void c.echo({});
    void c.echoStream((async function* () {})());
    void c.sumStream((async function* () {})());
    void c.divideStream({});
    assert.deepEqual(seen, ["unary Echo", "bidi EchoStream", "client SumStream", "server DivideStream"]);
  });

  it("its methods are not writable (a typed client is safe to pass around)", () => {
    const c = createClient(Streaming, {} as Connection) as unknown as Record<string, unknown>;
    assert.throws(() => {
      c.echo = () => {};
    });
  });
});

describe("createHandlerContext", () => {
  it("fills defaults and computes timeRemaining", () => {
    const md = new Metadata({ a: "b" });
    const ctx = createHandlerContext({ metadata: md });
    assert.equal(ctx.service, "");
    assert.equal(ctx.method, "");
    assert.equal(ctx.metadata, md);
    assert.equal(ctx.deadline, undefined);
    assert.equal(ctx.timeRemaining(), undefined);
    assert.equal(ctx.signal.aborted, false);
    assert.equal(ctx.peer, undefined);
    const d = Date.now() + 60_000;
    const ac = new AbortController();
    const ctx2 = createHandlerContext({ metadata: md, deadline: d, signal: ac.signal, service: "s", method: "m", peer: { pid: 1 } });
    const left = ctx2.timeRemaining();
    assert.ok(left !== undefined && left > 30_000 && left <= 60_000);
    assert.equal(ctx2.signal, ac.signal);
    assert.equal(ctx2.peer?.pid, 1);
  });
});
