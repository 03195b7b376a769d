import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, createRegistry, toBinary } from "@bufbuild/protobuf";
import { AnySchema, anyPack, DurationSchema, EmptySchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { Code } from "./code.js";
import { StatusSchema } from "./gen/google/rpc/status_pb.js";
import { TtrpcError } from "./ttrpc-error.js";

describe("TtrpcError", () => {
  it("message has the code name prefix, rawMessage is the wire text", () => {
    const e = new TtrpcError("thing x not found", Code.NotFound);
    assert.equal(e.message, "[NOT_FOUND] thing x not found");
    assert.equal(e.rawMessage, "thing x not found");
    assert.equal(e.code, Code.NotFound);
    assert.equal(e.name, "TtrpcError");
    assert.ok(e instanceof Error);
    assert.deepEqual(e.details, []);
  });

  it("defaults to UNKNOWN", () => {
    assert.equal(new TtrpcError("x").code, Code.Unknown);
  });

  it("keeps a cause locally", () => {
    const cause = new Error("inner");
    assert.equal(new TtrpcError("x", Code.Internal, { cause }).cause, cause);
    assert.equal("cause" in new TtrpcError("x"), false);
  });

  it("details: typed ones are packed into Any, Any ones kept", () => {
    const packed = anyPack(StringValueSchema, create(StringValueSchema, { value: "s" }));
    const e = new TtrpcError("x", Code.Aborted, {
      details: [{ desc: DurationSchema, value: { seconds: 3n } }, packed],
    });
    assert.equal(e.details.length, 2);
    assert.equal(e.details[0]?.typeUrl, "type.googleapis.com/google.protobuf.Duration");
    assert.equal(e.details[1], packed);
    const durations = e.findDetails(DurationSchema);
    assert.equal(durations.length, 1);
    assert.equal(durations[0]?.seconds, 3n);
    assert.deepEqual(
      e.findDetails(StringValueSchema).map((s) => s.value),
      ["s"],
    );
    assert.deepEqual(e.findDetails(EmptySchema), []);
  });

  it("details given as plain Any init objects become Any messages", () => {
    const raw = { $typeName: "google.protobuf.Any", typeUrl: "type.googleapis.com/x.Y", value: Uint8Array.of(1) } as const;
    const e = new TtrpcError("x", Code.Internal, { details: [create(AnySchema, raw)] });
    assert.equal(e.details[0]?.typeUrl, "type.googleapis.com/x.Y");
  });

  it("findDetails with a registry decodes every known type, skips unknown ones", () => {
    const e = new TtrpcError("x", Code.Internal, {
      details: [
        { desc: DurationSchema, value: { seconds: 1n } },
        create(AnySchema, { typeUrl: "type.googleapis.com/not.Known", value: new Uint8Array(0) }),
        { desc: StringValueSchema, value: { value: "v" } },
      ],
    });
    const found = e.findDetails(createRegistry(DurationSchema, StringValueSchema));
    assert.deepEqual(
      found.map((m) => m.$typeName),
      ["google.protobuf.Duration", "google.protobuf.StringValue"],
    );
  });

  it("toStatus / fromStatus round-trip code, raw message and details", () => {
    const e = new TtrpcError("bad", Code.FailedPrecondition, { details: [{ desc: DurationSchema, value: { nanos: 5 } }] });
    const st = e.toStatus();
    assert.equal(st.code, Code.FailedPrecondition);
    assert.equal(st.message, "bad");
    const bytes = toBinary(StatusSchema, st);
    assert.ok(bytes.length > 0);
    const back = TtrpcError.fromStatus(st);
    assert.equal(back.code, Code.FailedPrecondition);
    assert.equal(back.rawMessage, "bad");
    assert.equal(back.findDetails(DurationSchema)[0]?.nanos, 5);
  });

  it("fromStatus keeps a code outside 0-16", () => {
    const e = TtrpcError.fromStatus(create(StatusSchema, { code: 99, message: "odd" }));
    assert.equal(e.code, 99);
    assert.equal(e.message, "[CODE_99] odd");
  });

  describe("from", () => {
    it("returns a TtrpcError as is", () => {
      const e = new TtrpcError("x", Code.NotFound);
      assert.equal(TtrpcError.from(e), e);
    });

    it("a plain Error keeps its message and gets the given code (UNKNOWN by default)", () => {
      const inner = new Error("boom");
      const e = TtrpcError.from(inner);
      assert.equal(e.code, Code.Unknown);
      assert.equal(e.rawMessage, "boom");
      assert.equal(e.cause, inner);
      assert.equal(TtrpcError.from(inner, Code.Internal).code, Code.Internal);
    });

    it("a non-Error value becomes its string", () => {
      assert.equal(TtrpcError.from("text").rawMessage, "text");
      assert.equal(TtrpcError.from(42, Code.Aborted).code, Code.Aborted);
      assert.equal(TtrpcError.from(undefined).rawMessage, "undefined");
    });

    it("AbortError → CANCELLED, TimeoutError → DEADLINE_EXCEEDED, AbortError caused by a TtrpcError → that error", () => {
      const ac = new AbortController();
      ac.abort();
      const abortErr = (() => {
        try {
          ac.signal.throwIfAborted();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.equal(TtrpcError.from(abortErr).code, Code.Canceled);
      assert.equal(TtrpcError.from(new DOMException("t", "TimeoutError")).code, Code.DeadlineExceeded);
      const inner = new TtrpcError("gone", Code.Unavailable);
      const wrapped = Object.assign(new Error("aborted", { cause: inner }), { name: "AbortError" });
      assert.equal(TtrpcError.from(wrapped), inner);
    });
  });

  describe("instanceof", () => {
    it("recognises errors from another copy of the package by their brand", () => {
      const foreign = new Error("x");
      Object.defineProperty(foreign, Symbol.for("@ttrpc-ts/runtime/TtrpcError"), { value: true });
      assert.ok(foreign instanceof TtrpcError);
      assert.equal(new Error("x") instanceof TtrpcError, false);
      const notObjects: unknown[] = [null, undefined, "s", 1];
      for (const v of notObjects) assert.equal(v instanceof TtrpcError, false);
    });

    it("subclasses use the normal prototype check", () => {
      class MyError extends TtrpcError {}
      const mine = new MyError("x");
      assert.ok(mine instanceof MyError);
      assert.ok(mine instanceof TtrpcError);
      assert.equal(new TtrpcError("y") instanceof MyError, false);
    });
  });
});
