import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { decodeStatus, encodeStatus, statusMessage } from "./status-codec.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("status-codec", () => {
  const cases = [
    { code: 0, message: "", details: [] },
    { code: 5, message: "not found", details: [] },
    { code: -3, message: "négatif ✓", details: [] },
    { code: 2147483647, message: "m", details: [{ typeUrl: "type.googleapis.com/x.Y", value: Uint8Array.of(1, 2, 3) }] },
    {
      code: 3,
      message: "",
      details: [
        { typeUrl: "", value: new Uint8Array(0) },
        { typeUrl: "t/a.B", value: new Uint8Array(300).fill(7) },
      ],
    },
  ];

  it("encodes the bytes toBinary(StatusSchema) writes", () => {
    for (const c of cases) {
      const s = create(StatusSchema, c);
      assert.equal(hex(encodeStatus(statusMessage(c.code, c.message, s.details))), hex(toBinary(StatusSchema, s)), JSON.stringify(c.code));
    }
  });

  it("decodes what fromBinary(StatusSchema) decodes", () => {
    for (const c of cases) {
      const bytes = toBinary(StatusSchema, create(StatusSchema, c));
      const want = fromBinary(StatusSchema, bytes);
      const got = decodeStatus(bytes);
      assert.equal(got.code, want.code);
      assert.equal(got.message, want.message);
      assert.deepEqual(
        got.details.map((d) => [d.$typeName, d.typeUrl, hex(d.value)]),
        want.details.map((d) => [d.$typeName, d.typeUrl, hex(d.value)]),
      );
    }
  });

  it("skips unknown fields and rejects truncated bytes", () => {
    assert.equal(decodeStatus(Uint8Array.of(0x48, 0x01, 0x08, 0x04)).code, 4);
    assert.throws(() => decodeStatus(Uint8Array.of(0x12, 0x05, 0x61)), /premature EOF/);
  });
});
