import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Metadata } from "./metadata.js";

describe("Metadata", () => {
  it("get returns the first value, getAll every value", () => {
    const md = new Metadata({ foo: ["bar", "baz"] });
    assert.equal(md.get("foo"), "bar");
    assert.deepEqual(md.getAll("foo"), ["bar", "baz"]);
  });

  it("a missing key gives undefined / []", () => {
    const md = new Metadata();
    assert.equal(md.get("nope"), undefined);
    assert.deepEqual(md.getAll("nope"), []);
    assert.equal(md.has("nope"), false);
  });

  it("lookups ignore case; the key keeps its first spelling", () => {
    const md = new Metadata();
    md.append("Foo-Bar", "1");
    md.append("FOO-bar", "2");
    assert.equal(md.get("foo-bar"), "1");
    assert.equal(md.get("FOO-BAR"), "1");
    assert.deepEqual(md.getAll("Foo-bar"), ["1", "2"]);
    assert.equal(md.has("foo-BAR"), true);
    assert.deepEqual([...md.keys()], ["Foo-Bar"]);
    assert.equal(md.size, 1);
  });

  it("set replaces every value, an empty list removes the key", () => {
    const md = new Metadata({ a: ["1", "2"] });
    md.set("A", "3");
    assert.deepEqual(md.getAll("a"), ["3"]);
    md.set("a", ["4", "5"]);
    assert.deepEqual(md.getAll("a"), ["4", "5"]);
    md.set("a", []);
    assert.equal(md.has("a"), false);
    assert.equal(md.size, 0);
  });

  it("append adds in order", () => {
    const md = new Metadata().append("k", "1").append("k", "2").append("j", "3");
    assert.deepEqual(
      [...md],
      [
        ["k", "1"],
        ["k", "2"],
        ["j", "3"],
      ],
    );
  });

  it("delete removes, and says whether the key was there", () => {
    const md = new Metadata({ a: "1" });
    assert.equal(md.delete("A"), true);
    assert.equal(md.delete("a"), false);
    assert.equal(md.size, 0);
  });

  it("builds from a record, from pairs, and from another Metadata", () => {
    assert.deepEqual(
      [...new Metadata({ a: "1", b: ["2", "3"] })],
      [
        ["a", "1"],
        ["b", "2"],
        ["b", "3"],
      ],
    );
    assert.deepEqual(
      [
        ...new Metadata([
          ["x", "1"],
          ["X", "2"],
        ]),
      ],
      [
        ["x", "1"],
        ["x", "2"],
      ],
    );
    const src = new Metadata({ k: "v" });
    assert.deepEqual([...new Metadata(src)], [["k", "v"]]);
  });

  it("clone is deep: changing the copy leaves the original alone", () => {
    const md = new Metadata({ a: ["1"] });
    const c = md.clone();
    c.append("a", "2");
    c.set("b", "3");
    assert.deepEqual(md.getAll("a"), ["1"]);
    assert.equal(md.has("b"), false);
    const fromCtor = new Metadata(md);
    fromCtor.append("a", "x");
    assert.deepEqual(md.getAll("a"), ["1"]);
  });

  it("getAll returns a copy", () => {
    const md = new Metadata({ a: "1" });
    md.getAll("a").push("2");
    assert.deepEqual(md.getAll("a"), ["1"]);
  });

  it("toJSON gives key → values with first spellings", () => {
    const md = new Metadata([
      ["Trace-Id", "1"],
      ["trace-id", "2"],
    ]);
    assert.deepEqual(md.toJSON(), { "Trace-Id": ["1", "2"] });
    assert.equal(JSON.stringify(md), '{"Trace-Id":["1","2"]}');
  });

  it("empty values and empty keys are kept", () => {
    const md = new Metadata([["", ""]]);
    assert.equal(md.has(""), true);
    assert.equal(md.get(""), "");
  });

  it("an empty Metadata answers every read, and copies of it are independent", () => {
    const md = new Metadata();
    assert.equal(md.size, 0);
    assert.equal(md.delete("x"), false);
    assert.equal(md.set("x", []), md);
    assert.deepEqual([...md], []);
    assert.deepEqual([...md.keys()], []);
    assert.deepEqual(md.toJSON(), {});
    const copy = new Metadata(md);
    copy.append("k", "v");
    const clone = md.clone();
    clone.set("c", "1");
    assert.equal(md.size, 0, "the original stays empty");
    assert.deepEqual(copy.toJSON(), { k: ["v"] });
    assert.deepEqual(clone.toJSON(), { c: ["1"] });
  });
});
