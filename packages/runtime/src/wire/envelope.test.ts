// The hot-path envelope codec must be byte-identical to the reflection-based
// protobuf-es codec of request.proto (and so to Go's encoding).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { asciiHex, hex, requestBody } from "../../test/support/wire.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { RequestSchema, ResponseSchema } from "../gen/ttrpc/request_pb.js";
import { Metadata } from "../metadata.js";
import {
  decodeRequestFast,
  decodeRequestMetadata,
  decodeResponseFast,
  encodeErrorResponse,
  encodeOkResponseParts,
  encodeRequestHead,
  encodeRequestParts,
} from "./envelope.js";

const join = (p: { parts: readonly Uint8Array[]; length: number }) => {
  const b = Buffer.concat(p.parts);
  assert.equal(b.length, p.length, "length matches the parts");
  return b;
};

function encode(service: string, method: string, payload: Uint8Array | undefined, ns: number, md?: Metadata): Buffer {
  return join(encodeRequestParts(encodeRequestHead(service, method), payload, ns, md));
}

describe("wire-envelope: Request", () => {
  it("reproduces Rust's 67-byte Request vector", () => {
    const body = encode(
      "grpc.TestServices",
      "Test",
      Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
      20_000_000,
      new Metadata([["test_key1", "test_value1"]]),
    );
    assert.equal(
      hex(body),
      `0a11${asciiHex("grpc.TestServices")}1204${asciiHex("Test")}1a09010203040506070809` +
        `2080dac409` +
        `2a180a09${asciiHex("test_key1")}120b${asciiHex("test_value1")}`,
    );
  });

  it("matches the reflection codec over many shapes", () => {
    const payloads = [
      undefined,
      new Uint8Array(0),
      Uint8Array.of(0),
      new Uint8Array(127).fill(1),
      new Uint8Array(128).fill(2),
      new Uint8Array(70000).fill(3),
    ];
    // Up to the largest timeout sent (2^63 - 1024: about 292 years), past 2^53 where a double skips integers.
    const timeouts = [0, 1, 127, 128, 4_999_022_102, Number.MAX_SAFE_INTEGER, 31_536_000_000_000_000, 2 ** 63 - 1024];
    const mds: Array<Array<[string, string]>> = [
      [],
      [["foo", "bar"]],
      [
        ["Upper", "V"],
        ["upper", ""],
        ["", "x"],
      ],
      [["k", "é✓"]],
    ];
    const names: Array<[string, string]> = [
      ["ttrpc.integration.streaming.Streaming", "Echo"],
      ["", ""],
      ["s", ""],
      ["ü.Svc", "do_thing"],
    ];
    for (const [service, method] of names) {
      for (const payload of payloads) {
        for (const ns of timeouts) {
          for (const pairs of mds) {
            const ours = encode(service, method, payload, ns, pairs.length > 0 ? new Metadata(pairs) : undefined);
            const reference = requestBody({
              service,
              method,
              ...(payload === undefined ? {} : { payload }),
              timeoutNano: BigInt(ns),
              metadata: pairs.map(([k, v]) => [k.toLowerCase(), v] as const),
            });
            assert.equal(hex(ours), hex(reference), `${service}/${method} payload=${payload?.length} ns=${ns} md=${JSON.stringify(pairs)}`);
          }
        }
      }
    }
  });

  it("decodes what the reflection codec writes", () => {
    const bytes = requestBody({
      service: "a.B",
      method: "C",
      payload: Uint8Array.of(9, 8),
      timeoutNano: 5_000_000_000n,
      metadata: [
        ["Foo", "1"],
        ["foo", "2"],
      ],
    });
    const r = decodeRequestFast(bytes);
    assert.equal(r.service, "a.B");
    assert.equal(r.method, "C");
    assert.deepEqual([...r.payload], [9, 8]);
    assert.equal(r.hasPayload, true);
    assert.equal(Number(r.timeoutNano), 5_000_000_000);
    assert.equal(r.metadataCount, 2);
    assert.deepEqual(decodeRequestMetadata(bytes, r), [
      ["Foo", "1"],
      ["foo", "2"],
    ]);
  });

  it("counts metadata without decoding it: entries and bytes, before any lookup", () => {
    const entry = [0x2a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76]; // {key: "k", value: "v"}
    const n = 100_000;
    const bytes = new Uint8Array(3 + n * entry.length);
    bytes.set([0x0a, 0x01, 0x73], 0); // service "s"
    for (let i = 0; i < n; i++) bytes.set(entry, 3 + i * entry.length);
    const r = decodeRequestFast(bytes);
    assert.equal(r.service, "s");
    assert.equal(r.metadataCount, n);
    assert.equal(r.metadataBytes, n * 6);
    assert.equal(r.metadataFrom, 3);
    assert.deepEqual(decodeRequestMetadata(bytes, r)[n - 1], ["k", "v"]);
  });

  it("an empty Request decodes to empty names, no payload, no timeout", () => {
    const r = decodeRequestFast(new Uint8Array(0));
    assert.equal(r.service, "");
    assert.equal(r.method, "");
    assert.equal(r.payload.length, 0);
    assert.equal(r.hasPayload, false);
    assert.equal(Number(r.timeoutNano), 0);
  });

  it("skips unknown fields", () => {
    // field 9 varint 1, then service "x"
    const r = decodeRequestFast(Uint8Array.of(0x48, 0x01, 0x0a, 0x01, 0x78));
    assert.equal(r.service, "x");
  });

  it("throws on truncated or malformed bytes", () => {
    assert.throws(() => decodeRequestFast(Uint8Array.of(0x0a, 0x05, 0x61)));
    assert.throws(() => decodeRequestFast(Uint8Array.of(0xff)));
    // A malformed entry is found when the metadata is decoded.
    const bad = Uint8Array.of(0x2a, 0x02, 0x0a, 0x09);
    assert.throws(() => decodeRequestMetadata(bad, decodeRequestFast(bad)));
  });

  it("a negative timeout_nano from a peer decodes as negative (already expired)", () => {
    const r = decodeRequestFast(requestBody({ service: "s", timeoutNano: -5n }));
    assert.equal(Number(r.timeoutNano), -5);
  });
});

describe("wire-envelope: Response", () => {
  it("OK: no status field; empty output is zero bytes", () => {
    assert.equal(hex(join(encodeOkResponseParts(Uint8Array.of(8, 2, 0x12, 2, 0x68, 0x69)))), "1206080212026869");
    assert.equal(join(encodeOkResponseParts(new Uint8Array(0))).length, 0);
  });

  it("OK payloads of every length-prefix size match the reflection codec", () => {
    for (const n of [1, 127, 128, 16383, 16384, 2097152]) {
      const payload = new Uint8Array(n).fill(5);
      assert.equal(hex(join(encodeOkResponseParts(payload))), hex(toBinary(ResponseSchema, create(ResponseSchema, { payload }))), `n=${n}`);
    }
  });

  it("error: the status alone (vector 6)", () => {
    const b = encodeErrorResponse(create(StatusSchema, { code: 2, message: "plain error" }));
    assert.equal(hex(b), `0a0f0802120b${asciiHex("plain error")}`);
    const back = fromBinary(ResponseSchema, b);
    assert.equal(back.status?.code, 2);
  });

  it("decodes a missing status as OK and keeps the payload", () => {
    const d = decodeResponseFast(Uint8Array.of(0x12, 0x01, 0x07));
    assert.equal(d.status, undefined);
    assert.deepEqual([...d.payload], [7]);
    assert.equal(decodeResponseFast(new Uint8Array(0)).status, undefined);
  });

  it("decodes status with details", () => {
    const bytes = toBinary(
      ResponseSchema,
      create(ResponseSchema, {
        status: { code: 5, message: "m", details: [{ typeUrl: "type.googleapis.com/x.Y", value: Uint8Array.of(1) }] },
      }),
    );
    const d = decodeResponseFast(bytes);
    assert.equal(d.status?.code, 5);
    assert.equal(d.status?.message, "m");
    assert.equal(d.status?.details[0]?.typeUrl, "type.googleapis.com/x.Y");
  });

  it("throws on malformed bytes", () => {
    assert.throws(() => decodeResponseFast(Uint8Array.of(0x12, 0x05, 0x01)));
  });
});

describe("wire-envelope agrees with RequestSchema", () => {
  it("fromBinary(RequestSchema) reads our bytes", () => {
    const b = encode("svc", "M", Uint8Array.of(1), 42, new Metadata({ A: "b" }));
    const r = fromBinary(RequestSchema, b);
    assert.equal(r.service, "svc");
    assert.equal(r.timeoutNano, 42n);
    assert.equal(r.metadata[0]?.key, "a");
  });
});
