import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MessageQueue } from "./message-queue.js";

function hooks() {
  const calls: string[] = [];
  return {
    calls,
    hooks: { full: () => calls.push("full"), room: () => calls.push("drained"), cancel: () => calls.push("cancel") },
  };
}

describe("MessageQueue", () => {
  it("delivers queued messages in order, then ends", async () => {
    const q = new MessageQueue<number>(8);
    q.push(1);
    q.push(2);
    q.end();
    assert.deepEqual(await q.next(), { value: 1, done: false });
    assert.deepEqual(await q.next(), { value: 2, done: false });
    assert.deepEqual(await q.next(), { value: undefined, done: true });
    assert.deepEqual(await q.next(), { value: undefined, done: true });
  });

  it("a waiting next() is resolved by push, end and fail", async () => {
    const q = new MessageQueue<string>(8);
    const a = q.next();
    q.push("a");
    assert.deepEqual(await a, { value: "a", done: false });
    const b = q.next();
    q.end();
    assert.deepEqual(await b, { value: undefined, done: true });
    const q2 = new MessageQueue<string>(8);
    const c = q2.next();
    q2.fail(new Error("boom"));
    await assert.rejects(c, /boom/);
  });

  it("messages queued before an error are delivered first, then the error, every time", async () => {
    const q = new MessageQueue<number>(8);
    q.push(1);
    q.fail(new Error("late"));
    assert.deepEqual(await q.next(), { value: 1, done: false });
    await assert.rejects(q.next(), /late/);
    await assert.rejects(q.next(), /late/);
  });

  it("abort drops what is queued and errors at once", async () => {
    const q = new MessageQueue<number>(8);
    q.push(1);
    q.push(2);
    q.abort(new Error("full"));
    assert.equal(q.length, 0);
    await assert.rejects(q.next(), /full/);
  });

  it("abort replaces an earlier end", async () => {
    const q = new MessageQueue<number>(8);
    q.push(1);
    q.end();
    q.abort(new Error("x"));
    await assert.rejects(q.next(), /x/);
  });

  it("push after end, fail or cancel is ignored; end/fail after end are no-ops", async () => {
    const q = new MessageQueue<number>(8);
    q.end();
    q.push(1);
    q.fail(new Error("ignored"));
    assert.equal(q.length, 0);
    assert.deepEqual(await q.next(), { value: undefined, done: true });
    const q2 = new MessageQueue<number>(8);
    q2.fail(new Error("first"));
    q2.fail(new Error("second"));
    q2.end();
    q2.push(1);
    await assert.rejects(q2.next(), /first/);
  });

  it("closed is set by end and fail", () => {
    const q = new MessageQueue<number>(8);
    assert.equal(q.closed, false);
    q.end();
    assert.equal(q.closed, true);
    const q2 = new MessageQueue<number>(8);
    q2.fail(new Error());
    assert.equal(q2.closed, true);
  });

  it("full fires once at the high-water mark; drained once a read leaves room again", async () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(4, h);
    for (let i = 0; i < 3; i++) q.push(i);
    assert.deepEqual(calls, []);
    q.push(3);
    assert.deepEqual(calls, ["full"]);
    q.push(4);
    q.push(5);
    assert.deepEqual(calls, ["full"], "no repeated full");
    await q.next(); // 5 left
    await q.next(); // 4 left: still at the mark
    assert.deepEqual(calls, ["full"]);
    await q.next(); // 3 left: room again
    assert.deepEqual(calls, ["full", "drained"]);
    await q.next();
    assert.deepEqual(calls, ["full", "drained"], "no repeated drained");
    q.push(9);
    q.push(9);
    assert.deepEqual(calls, ["full", "drained", "full"]);
  });

  it("a message handed straight to a waiting reader does not count toward full", async () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(1, h);
    const p = q.next();
    q.push(1);
    await p;
    assert.deepEqual(calls, []);
    q.push(2);
    assert.deepEqual(calls, ["full"]);
    await q.next();
    assert.deepEqual(calls, ["full", "drained"]);
  });

  it("a high-water mark below 1 acts as 1", () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(0, h);
    q.push(1);
    assert.deepEqual(calls, ["full"]);
  });

  it("return() cancels: queue dropped, cancel and drained hooks called, later reads done", async () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(1, h);
    q.push(1);
    assert.deepEqual(await q.return(), { value: undefined, done: true });
    assert.deepEqual(calls, ["full", "drained", "cancel"]);
    assert.equal(q.cancelled, true);
    q.push(2);
    assert.deepEqual(await q.next(), { value: undefined, done: true });
    await q.return();
    assert.deepEqual(calls, ["full", "drained", "cancel"], "cancel only once");
  });

  it("return() after end does not call cancel", async () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(4, h);
    q.end();
    await q.return();
    assert.deepEqual(calls, []);
  });

  it("return() resolves a pending next() as done", async () => {
    const q = new MessageQueue<number>(4);
    const p = q.next();
    await q.return();
    assert.deepEqual(await p, { value: undefined, done: true });
  });

  it("throw() cancels and rejects with the given error", async () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(4, h);
    await assert.rejects(q.throw(new Error("stop")), /stop/);
    assert.deepEqual(calls, ["cancel"]);
  });

  it("breaking out of for-await cancels", async () => {
    const { calls, hooks: h } = hooks();
    const q = new MessageQueue<number>(8, h);
    q.push(1);
    q.push(2);
    for await (const v of q) {
      assert.equal(v, 1);
      break;
    }
    assert.deepEqual(calls, ["cancel"]);
  });

  it("concurrent next() calls are refused", async () => {
    const q = new MessageQueue<number>(4);
    const first = q.next();
    await assert.rejects(q.next(), /concurrent/);
    q.push(1);
    assert.deepEqual(await first, { value: 1, done: false });
  });

  it("stays correct over many messages (compaction)", async () => {
    const q = new MessageQueue<number>(1 << 20);
    const n = 5000;
    for (let i = 0; i < n; i++) q.push(i);
    for (let i = 0; i < n / 2; i++) assert.equal((await q.next()).value, i);
    for (let i = n; i < n + 100; i++) q.push(i);
    q.end();
    let expect = n / 2;
    for await (const v of q) assert.equal(v, expect++);
    assert.equal(expect, n + 100);
  });

  it("delivers undefined-valued and falsy messages", async () => {
    const q = new MessageQueue<number | null>(4);
    q.push(0);
    q.push(null);
    q.end();
    assert.deepEqual(await q.next(), { value: 0, done: false });
    assert.deepEqual(await q.next(), { value: null, done: false });
  });

  it("is full at its byte mark as well as its message mark, and reports bytes in and out", async () => {
    const { calls, hooks: h } = hooks();
    const bytes: number[] = [];
    const q = new MessageQueue<number>(64, { ...h, bytes: (d) => bytes.push(d) }, 1000);
    q.push(1, 600);
    assert.deepEqual(calls, []);
    q.push(2, 600);
    assert.deepEqual(calls, ["full"], "1200 bytes is over 1000, though 2 messages are far under 64");
    assert.equal(q.bytes, 1200);
    await q.next();
    assert.deepEqual(calls, ["full", "drained"]);
    q.push(3, 10);
    await q.return();
    assert.deepEqual(bytes, [600, 600, -600, 10, -610]);
  });

  it("detach() gives the bytes back at once and stops counting", async () => {
    const bytes: number[] = [];
    const q = new MessageQueue<number>(64, { bytes: (d) => bytes.push(d) });
    q.push(1, 100);
    q.detach();
    assert.deepEqual(bytes, [100, -100]);
    assert.deepEqual(await q.next(), { value: 1, done: false });
    assert.deepEqual(bytes, [100, -100], "the read is not counted twice");
  });
});
