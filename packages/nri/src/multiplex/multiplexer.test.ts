import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { after, test } from "node:test";
import { MAX_MUX_PAYLOAD } from "./constants.js";
import { Multiplexer } from "./multiplexer.js";
import { encodeMuxHeader, MuxFrameParser } from "./mux-frame.js";

const dir = mkdtempSync(join(tmpdir(), "nri-mux-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Two connected unix sockets. */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const path = join(dir, `s${n++}.sock`);
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(path, r));
  const accepted = once(server, "connection") as Promise<[net.Socket]>;
  const client = net.connect(path);
  const [[srv]] = await Promise.all([accepted, once(client, "connect")]);
  server.close();
  return [client, srv];
}

/** A trunk the test drives by hand: `feed` delivers bytes, `written` collects what the multiplexer sent. */
function fakeTrunk(writableHighWaterMark = 16 * 1024) {
  const written: Buffer[] = [];
  let pending: Array<() => void> = [];
  let hold = false;
  const trunk = new Duplex({
    writableHighWaterMark,
    read() {},
    write(chunk: Buffer, _e, cb) {
      written.push(chunk);
      if (hold) pending.push(cb);
      else cb();
    },
  });
  return {
    trunk,
    written,
    feed: (b: Buffer) => trunk.push(b),
    holdWrites: () => {
      hold = true;
    },
    releaseWrites: () => {
      hold = false;
      const p = pending;
      pending = [];
      for (const cb of p) cb();
    },
  };
}

/** Resolves once `s` has closed (at once if it has). */
function whenClosed(s: Duplex): Promise<unknown> {
  return s.closed ? Promise.resolve() : once(s, "close");
}

function frame(id: number, payload: Buffer): Buffer {
  return Buffer.concat([encodeMuxHeader(id, payload.length), payload]);
}

async function readAll(s: Duplex, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  for await (const c of s) {
    parts.push(c as Buffer);
    got += (c as Buffer).length;
    if (got >= bytes) break;
  }
  return Buffer.concat(parts);
}

test("two connections over one socket keep their bytes apart", async () => {
  const [a, b] = await socketPair();
  const ma = new Multiplexer(a);
  const mb = new Multiplexer(b);
  const a1 = ma.open(1, { framing: "chunks" });
  const a2 = ma.open(2, { framing: "chunks" });
  const b1 = mb.open(1, { framing: "chunks" });
  const b2 = mb.open(2, { framing: "chunks" });
  const one = Buffer.alloc(300_000, 1);
  const two = Buffer.alloc(200_000, 2);
  const got = Promise.all([readAll(b1, one.length), readAll(b2, two.length + 5)]);
  for (let i = 0; i < 10; i++) {
    a1.write(one.subarray(i * 30_000, (i + 1) * 30_000));
    a2.write(two.subarray(i * 20_000, (i + 1) * 20_000));
  }
  b2.write("reply");
  a2.write("tail!");
  const [r1, r2] = await got;
  assert.ok(r1.equals(one));
  assert.ok(r2.equals(Buffer.concat([two, Buffer.from("tail!")])));
  assert.equal((await readAll(a2, 5)).toString(), "reply");
  assert.equal(ma.droppedFrames + mb.droppedFrames, 0);
  ma.close();
  await once(b, "close");
  assert.equal(mb.closed, true);
});

test("ttrpc framing puts a large message on the wire as Go does: 4096 bytes, then the rest", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(2);
  const msg = Buffer.alloc(10_010, 7);
  msg.writeUInt32BE(10_000, 0);
  // Written in pieces: nothing goes out until the message is whole.
  c.write(msg.subarray(0, 10));
  c.write(msg.subarray(10, 5000));
  assert.equal(t.written.length, 0);
  await new Promise<void>((r) => c.write(msg.subarray(5000), () => r()));
  const frames: Array<[number, number]> = [];
  const p = new MuxFrameParser({ frame: (id, f) => frames.push([id, f.length]), oversize: () => assert.fail() });
  for (const w of t.written) p.push(w);
  assert.deepEqual(frames, [
    [2, 4096],
    [2, 5914],
  ]);
});

test("frames for a connection that is not open are dropped and counted", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(1);
  t.feed(Buffer.concat([frame(5, Buffer.from("lost")), frame(1, Buffer.from("kept")), frame(9, Buffer.alloc(0))]));
  assert.equal((await readAll(c, 4)).toString(), "kept");
  assert.equal(m.droppedFrames, 2);
});

test("open refuses the reserved id, bad ids, an open id, and a closed multiplexer", () => {
  const m = new Multiplexer(fakeTrunk().trunk);
  assert.throws(() => m.open(0), /conn id 0 is reserved/);
  assert.throws(() => m.open(-1), /conn id -1 is not a uint32/);
  assert.throws(() => m.open(2 ** 32), /is not a uint32/);
  assert.throws(() => m.open(1.5), /is not a uint32/);
  m.open(1);
  assert.throws(() => m.open(1), /conn 1 is already open/);
  m.destroy();
  assert.throws(() => m.open(2), /cannot open conn 2: the multiplexer is closed/);
});

test("a full reader pauses the trunk until it reads again", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(1, { framing: "chunks" });
  c.pause();
  t.feed(frame(1, Buffer.alloc(64 * 1024)));
  await new Promise((r) => setImmediate(r));
  assert.equal(t.trunk.isPaused(), true, "trunk paused while conn 1 is over its high-water mark");
  c.read();
  assert.equal(t.trunk.isPaused(), false, "trunk resumed once conn 1 is read");
});

test("a write completes only once the trunk has taken it", async () => {
  const t = fakeTrunk(1);
  t.holdWrites();
  const m = new Multiplexer(t.trunk);
  const c = m.open(1, { framing: "chunks" });
  let done = 0;
  c.write(Buffer.alloc(100), () => done++);
  await new Promise((r) => setImmediate(r));
  assert.equal(done, 0, "write callback waits for the trunk's drain");
  t.releaseWrites();
  await new Promise((r) => setImmediate(r));
  assert.equal(done, 1);
});

test("the peer closing the trunk ends every connection cleanly", async () => {
  const [a, b] = await socketPair();
  const mb = new Multiplexer(b);
  const closed: Array<Error | undefined> = [];
  mb.onClose((e) => closed.push(e));
  const c1 = mb.open(1);
  const c2 = mb.open(2);
  const ended = Promise.all([once(c1, "close"), once(c2, "close")]);
  c1.resume();
  c2.resume();
  a.end();
  await ended;
  assert.deepEqual(closed, [undefined]);
  assert.equal(c1.errored, null);
});

test("a trunk error destroys every connection with it", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(1);
  const errs: Error[] = [];
  c.on("error", (e) => errs.push(e));
  const closed = new Promise<Error | undefined>((r) => m.onClose(r));
  t.trunk.destroy(new Error("boom"));
  assert.equal((await closed)?.message, "boom");
  await whenClosed(c);
  assert.deepEqual(
    errs.map((e) => e.message),
    ["boom"],
  );
});

test("a frame over the limit tears the multiplexer down with a clear error", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(2);
  const err = once(c, "error");
  t.feed(encodeMuxHeader(2, MAX_MUX_PAYLOAD + 1));
  const [e] = (await err) as [Error];
  assert.equal(e.message, `nri multiplex: conn 2: frame payload ${MAX_MUX_PAYLOAD + 1} bytes, maximum is ${MAX_MUX_PAYLOAD}`);
  assert.equal(m.closed, true);
});

test("ending a connection closes it here only; its id can be opened again", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(1);
  c.resume();
  c.end();
  await whenClosed(c);
  t.feed(frame(1, Buffer.from("late")));
  await new Promise((r) => setImmediate(r));
  assert.equal(m.droppedFrames, 1);
  const again = m.open(1);
  t.feed(frame(1, Buffer.from("new")));
  assert.equal((await readAll(again, 3)).toString(), "new");
});

test("writing after the trunk closed fails the write", async () => {
  const t = fakeTrunk();
  const m = new Multiplexer(t.trunk);
  const c = m.open(1, { framing: "chunks" });
  c.on("error", () => {});
  c.resume();
  m.destroy();
  await whenClosed(c);
  const err = await new Promise<Error | null | undefined>((r) => c.write("x", r));
  assert.ok(err instanceof Error);
  assert.equal(t.written.length, 0);
});
