// Byte vectors captured between containerd/ttrpc's Go client and Go server
// (the Streaming service of test/proto), reproduced exactly by
// our server (captured on a raw socket) and by our client (captured by a
// fake raw server), and decoded correctly when they come from the peer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import { encodeFrame, FrameFlag, FrameType, type MethodDef } from "@ttrpc-ts/runtime/protocol";
import { EchoPayloadSchema, PartSchema, SumSchema } from "./support/gen/streaming_pb.js";
import { connectFake, startServer } from "./support/harness.js";
import { collect, isStatus } from "./support/util.js";
import { asciiHex, hex, readVarint, STREAMING, unhex } from "./support/wire.js";

const SVC = `0a25${asciiHex(STREAMING)}`;
const echo = (seq: number, msg: string) => toBinary(EchoPayloadSchema, create(EchoPayloadSchema, { seq, msg }));
const part = (add: number) => toBinary(PartSchema, create(PartSchema, { add }));
const sum = (s: number, num: number) => toBinary(SumSchema, create(SumSchema, { sum: s, num }));
const norm = (v: string) => v.replace(/[\s|]/g, "");
/** A whole frame as hex, its length taken from the body. */
const frameHex = (sid: number, type: number, flags: number, body: string) => hex(encodeFrame(sid, type, flags, unhex(body)));

/** The vectors, as printed in the reference (header | body). */
const V = {
  1: `00000035 00000001 01 00 | ${SVC} 1204 4563686f 1a06 0801 1202 6869`,
  2: "00000008 00000001 02 00 | 1206 0802 1202 6869",
  4: "00000000 00000005 02 00",
  5: `00000017 00000007 02 00 | 0a15 0805 1211 ${asciiHex("thing x not found")}`,
  6: `00000011 00000009 02 00 | 0a0f 0802 120b ${asciiHex("plain error")}`,
  7: { request: "0a07 6e6f2e53756368 1203 537663", response: "0a13 080c 120f 73657276696365206e6f2e53756368" },
  8: "0a0f 080c 120b 6d6574686f64204e6f7065",
  9: `0000003b 00000003 01 01 | ${SVC} 120c 44697669646553747265616d 1a04 0809 1003`,
  10: "00000002 00000003 03 00 | 0803",
  11: "00000000 00000003 03 05",
  12: `00000032 00000007 01 02 | ${SVC} 1209 53756d53747265616d`,
  13: "00000000 00000007 03 00",
  14: "00000000 00000007 03 05",
  15: "00000006 00000007 02 00 | 1204 0803 1003",
  16: `00000015 0000000b 02 00 | 0a13 080a 120f ${asciiHex("aborted by test")}`,
  17: `0a41 0808 123d ${asciiHex("message length 4194305 exceed maximum message size of 4194304")}`,
  18: `0a35 0803 1231 ${asciiHex("StreamID must be odd for client initiated streams")}`,
  19: "0a0c 080c 1208 7365727669636520",
} as const;

describe("byte vectors: what our server writes", { timeout: 30_000 }, () => {
  it("2: OK unary Response has no status field", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1, "hi") });
    const f = await raw.next(1);
    assert.equal(raw.hexOf(f), norm(V[2]));
  });

  it("4: OK with an empty output message is a zero-length Response", async (t) => {
    const h = await startServer(t, { impl: { echo: () => ({}) } });
    const raw = await h.raw();
    await raw.request(5, { service: STREAMING, method: "Echo", payload: echo(1, "x") });
    assert.equal(raw.hexOf(await raw.next(5)), norm(V[4]));
  });

  it("5: handler TtrpcError NotFound", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: () => {
          throw new TtrpcError("thing x not found", Code.NotFound);
        },
      },
    });
    const raw = await h.raw();
    await raw.request(7, { service: STREAMING, method: "Echo", payload: echo(1, "x") });
    assert.equal(raw.hexOf(await raw.next(7)), norm(V[5]));
  });

  it("6: a plain Error becomes Unknown with its message", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: () => {
          throw new Error("plain error");
        },
      },
    });
    const raw = await h.raw();
    await raw.request(9, { service: STREAMING, method: "Echo", payload: echo(1, "x") });
    assert.equal(raw.hexOf(await raw.next(9)), norm(V[6]));
  });

  it("7: unknown service", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: "no.Such", method: "Svc" });
    const f = await raw.next(1);
    assert.equal(f.type, FrameType.Response);
    assert.equal(f.flags, 0);
    assert.equal(hex(f.payload), norm(V[7].response));
  });

  it("8: unknown method", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Nope" });
    const f = await raw.next(1);
    assert.equal(f.type, FrameType.Response);
    assert.equal(hex(f.payload), norm(V[8]));
  });

  it("10, 11: server-streaming Data frames and the RC|ND end", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(3, { service: STREAMING, method: "DivideStream", payload: sum(9, 3) }, FrameFlag.RemoteClosed);
    const frames = [];
    for (;;) {
      const f = await raw.next(3);
      frames.push(raw.hexOf(f));
      if (f.flags & FrameFlag.RemoteClosed) break;
    }
    // The test service sends an empty Part first and last (a zero-length Data).
    assert.deepEqual(frames, ["00000000000000030300", norm(V[10]), norm(V[10]), norm(V[10]), "00000000000000030300", norm(V[11])]);
  });

  it("15: client-streaming result (after 12, 13, 14 sent raw)", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.write(unhex(V[12]));
    await raw.write(unhex(V[13])); // Part{add:0}: zero-length Data, a real message
    await raw.data(7, 0, part(1));
    await raw.data(7, 0, part(2));
    await raw.write(unhex(V[14]));
    assert.equal(raw.hexOf(await raw.next(7)), norm(V[15]));
  });

  it("16: bidi handler error Aborted", async (t) => {
    const h = await startServer(t, {
      impl: {
        // biome-ignore lint/correctness/useYield: ends with an error before any message
        async *echoStream(reqs) {
          for await (const _ of reqs) throw new TtrpcError("aborted by test", Code.Aborted);
        },
      },
    });
    const raw = await h.raw();
    await raw.request(0x0b, { service: STREAMING, method: "EchoStream" }, FrameFlag.RemoteOpen);
    await raw.data(0x0b, 0, echo(1, "a"));
    assert.equal(raw.hexOf(await raw.next(0x0b)), norm(V[16]));
  });

  it("17: oversize (4194305) Request answered on its stream id, connection kept", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.sendHeader(4194305, 109, FrameType.Request, 0);
    await raw.write(Buffer.alloc(4194305));
    const f = await raw.next(109);
    assert.equal(raw.hexOf(f), frameHex(109, FrameType.Response, 0, V[17]));
    assert.equal(raw.hexOf(f).slice(0, 20), "000000430000006d0200");
    await raw.request(111, { service: STREAMING, method: "Echo", payload: echo(1, "hi") });
    const ok = await raw.next(111);
    assert.equal(hex(ok.payload), "120608021202" + asciiHex("hi"));
  });

  it("18: even stream id refused on that id", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(2, { service: STREAMING, method: "Echo", payload: echo(1, "hi") });
    assert.equal(raw.hexOf(await raw.next(2)), frameHex(2, FrameType.Response, 0, V[18]));
  });

  it("19: zero-length Request frame", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.send(1, FrameType.Request, 0);
    const f = await raw.next(1);
    assert.equal(raw.hexOf(f), frameHex(1, FrameType.Response, 0, V[19]));
  });
});

describe("byte vectors: what our client writes (and reads)", { timeout: 30_000 }, () => {
  it("1, 2, 3, 4, 5, 6: unary requests and replies on one connection", async (t) => {
    const { peer, svc } = await connectFake(t);

    // 1 → 2
    const p1 = svc.echo({ seq: 1, msg: "hi" });
    const r1 = await peer.nextRequest();
    assert.equal(peer.hexOf(r1.frame), norm(V[1]));
    await peer.write(unhex(V[2]));
    const res1 = await p1;
    assert.equal(res1.seq, 2);
    assert.equal(res1.msg, "hi");

    // 3: a 5 s deadline and metadata foo=bar; only the timeout varint varies.
    const p3 = svc.echo({ seq: 1, msg: "md" }, { timeoutMs: 5000, metadata: { foo: "bar" } });
    const r3 = await peer.nextRequest();
    const bytes = peer.bytesOf(r3.frame);
    const prefix = unhex(`00000047 00000003 01 00 | ${SVC} 1204 4563686f 1a06 0801 1202 6d64 20`);
    assert.equal(hex(bytes.subarray(0, prefix.length)), hex(prefix));
    const { value, end } = readVarint(bytes, prefix.length);
    assert.equal(end - prefix.length, 5, "a timeout near 5 s is a 5-byte varint");
    assert.ok(value > 4_000_000_000n && value <= 5_000_000_000n, `timeout_nano ${value}`);
    assert.equal(hex(bytes.subarray(end)), norm("2a0a 0a03 666f6f 1203 626172"));
    await peer.send(3, FrameType.Response, 0, new Uint8Array(0));
    await p3;

    // 4: a zero-length Response is OK with a default message.
    const p4 = svc.echo({ seq: 7, msg: "x" });
    assert.equal((await peer.nextRequest()).frame.streamId, 5);
    await peer.write(unhex(V[4]));
    const res4 = await p4;
    assert.equal(res4.seq, 0);
    assert.equal(res4.msg, "");

    // 5, 6: error Responses keep code and message.
    const p5 = svc.echo({ seq: 1, msg: "x" });
    assert.equal((await peer.nextRequest()).frame.streamId, 7);
    await peer.write(unhex(V[5]));
    await assert.rejects(p5, isStatus(Code.NotFound, "thing x not found"));
    const p6 = svc.echo({ seq: 1, msg: "x" });
    assert.equal((await peer.nextRequest()).frame.streamId, 9);
    await peer.write(unhex(V[6]));
    await assert.rejects(p6, isStatus(Code.Unknown, "plain error"));
  });

  it("7: request for an unknown service, and its UNIMPLEMENTED reply", async (t) => {
    const { client, peer } = await connectFake(t);
    const m: MethodDef<Uint8Array, Uint8Array> = {
      service: "no.Such",
      name: "Svc",
      localName: "svc",
      kind: "unary",
      encodeInput: (b) => b,
      decodeInput: (b) => b,
      encodeOutput: (b) => b,
      decodeOutput: (b) => b,
    };
    const p = client.unary(m, new Uint8Array(0));
    const req = await peer.nextRequest();
    assert.equal(hex(req.frame.payload), norm(V[7].request));
    await peer.send(req.frame.streamId, FrameType.Response, 0, unhex(V[7].response));
    await assert.rejects(p, isStatus(Code.Unimplemented, "service no.Such"));
  });

  it("9, 10, 11: server-streaming request, then streamed Parts and the end", async (t) => {
    const { peer, svc } = await connectFake(t);
    const warm = svc.echo({ seq: 1, msg: "hi" });
    await peer.nextRequest();
    await peer.write(unhex(V[2]));
    await warm;

    const parts = collect(svc.divideStream({ sum: 9, num: 3 }));
    const r = await peer.nextRequest();
    assert.equal(peer.hexOf(r.frame), norm(V[9]));
    await peer.write(Buffer.concat([unhex(V[10]), unhex(V[10]), unhex(V[10]), unhex(V[11])]));
    assert.deepEqual(
      (await parts).map((p) => p.add),
      [3, 3, 3],
    );
  });

  it("12, 13, 14, 15, 16: client-streaming open, default message, CloseSend; result; bidi error", async (t) => {
    const { peer, svc } = await connectFake(t);
    for (let i = 0; i < 3; i++) {
      const p = svc.echo({ seq: 1, msg: "hi" });
      const r = await peer.nextRequest();
      await peer.send(r.frame.streamId, FrameType.Response, 0, new Uint8Array(0));
      await p;
    }

    const result = svc.sumStream(
      (async function* () {
        yield {};
      })(),
    );
    const open = await peer.next(7);
    assert.equal(peer.hexOf(open), norm(V[12]));
    assert.equal(peer.hexOf(await peer.next(7)), norm(V[13]));
    assert.equal(peer.hexOf(await peer.next(7)), norm(V[14]));
    await peer.write(unhex(V[15]));
    const s = await result;
    assert.equal(s.sum, 3);
    assert.equal(s.num, 3);

    const p9 = svc.echo({ seq: 1, msg: "hi" });
    await peer.send((await peer.nextRequest()).frame.streamId, FrameType.Response, 0, new Uint8Array(0));
    await p9;

    const bidi = collect(
      svc.echoStream(
        (async function* () {
          yield { seq: 1, msg: "a" };
        })(),
      ),
    );
    const open11 = await peer.next(0x0b);
    assert.equal(open11.type, FrameType.Request);
    assert.equal(open11.flags, FrameFlag.RemoteOpen);
    await peer.write(unhex(V[16]));
    await assert.rejects(bidi, isStatus(Code.Aborted, "aborted by test"));
  });
});
