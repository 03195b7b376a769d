import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { FieldMaskSchema, ListValueSchema, StructSchema } from "@bufbuild/protobuf/wkt";
import { withinDecodeCost } from "./decode-cost.js";

const MiB = 1 << 20;
const LIMIT = 500_000;

/** `unit` repeated to fill about `size` bytes. */
function fill(unit: number[], size: number): Uint8Array {
  const n = Math.floor(size / unit.length);
  const b = new Uint8Array(n * unit.length);
  for (let i = 0; i < n; i++) b.set(unit, i * unit.length);
  return b;
}

describe("withinDecodeCost", () => {
  it("4 MiB of empty sub-messages is over the limit (2 per message)", () => {
    // ListValue.values = 1: 0x0a 0x00 is one empty Value.
    assert.equal(withinDecodeCost(ListValueSchema, fill([0x0a, 0x00], 4 * MiB), LIMIT), false);
  });

  it("4 MiB of unknown fields is over the limit", () => {
    assert.equal(withinDecodeCost(FieldMaskSchema, fill([0x10, 0x00], 4 * MiB), LIMIT), false);
  });

  it("4 MiB of empty strings is over the limit", () => {
    assert.equal(withinDecodeCost(FieldMaskSchema, fill([0x0a, 0x00], 4 * MiB), LIMIT), false);
  });

  it("empty sub-messages nested in a map value are counted", () => {
    // Struct.fields (map<string, Value>) = 1: one entry whose value is a ListValue of empty Values.
    const inner = fill([0x0a, 0x00], 2 * MiB); // ListValue body
    const list = [0x32, ...varint(inner.length)]; // Value.list_value = 6
    const value = new Uint8Array([...list, ...inner]);
    const entry = new Uint8Array([0x12, ...varint(value.length), ...value]); // entry.value = 2
    const struct = new Uint8Array([0x0a, ...varint(entry.length), ...entry]);
    assert.equal(withinDecodeCost(StructSchema, struct, LIMIT), false);
  });

  it("100k-element repeated fields, 100k small messages and 4 MiB of bytes pass", () => {
    const paths = fill([0x0a, 0x08, ...Buffer.from("abcdefgh")], 100_000 * 10);
    assert.equal(withinDecodeCost(FieldMaskSchema, paths, LIMIT), true);
    assert.equal(fromBinary(FieldMaskSchema, paths).paths.length, 100_000);
    // 100k Values holding a number (a message and a number: 3 units each).
    const numbers = fill([0x0a, 0x09, 0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f], 100_000 * 11);
    assert.equal(withinDecodeCost(ListValueSchema, numbers, LIMIT), true);
    assert.equal(fromBinary(ListValueSchema, numbers).values.length, 100_000);
    // 100k Values holding a string (a message and a string: 4 units each).
    const strings = fill([0x0a, 0x05, 0x1a, 0x03, 0x61, 0x62, 0x63], 100_000 * 7);
    assert.equal(withinDecodeCost(ListValueSchema, strings, LIMIT), true);
    // 4 MiB of bytes: one field.
    const blob = new Uint8Array(4 * MiB + 5);
    blob.set([0x0a, 0x80, 0x80, 0x80, 0x02], 0);
    assert.equal(withinDecodeCost(FieldMaskSchema, blob, LIMIT), true);
  });

  it("100k map entries with distinct string keys are over the limit (1.4 µs each to decode)", () => {
    // Struct.fields = 1, entries {key: 4 distinct bytes}: 7 + 2 units each.
    const parts: number[] = [];
    for (let i = 0; i < 100_000; i++)
      parts.push(0x0a, 6, 0x0a, 4, 97 + (i % 26), 97 + (((i / 26) % 26) | 0), 97 + (((i / 676) % 26) | 0), 97 + (((i / 17576) % 26) | 0));
    assert.equal(withinDecodeCost(StructSchema, Uint8Array.from(parts), LIMIT), false);
    assert.equal(withinDecodeCost(StructSchema, Uint8Array.from(parts.slice(0, 8 * 50_000)), LIMIT), true);
  });

  it("messages of at most limit/3.5 bytes are not scanned: they cannot cost more", () => {
    // An empty map entry (2 bytes, 7 units) is the most an element costs per byte.
    assert.equal(withinDecodeCost(StructSchema, fill([0x0a, 0x00], LIMIT / 3.5), LIMIT), true);
    assert.equal(withinDecodeCost(StructSchema, fill([0x0a, 0x00], LIMIT / 3.5 + 4), LIMIT), false);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
