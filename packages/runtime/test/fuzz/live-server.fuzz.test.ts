// Fuzzing a live server. Many connections send random and
// mutated frames (bad lengths, types, flags and ids, truncated envelopes,
// garbage protobuf, interleaved streams, half frames, sudden closes) while a
// well-behaved client on its own connection keeps completing calls. The
// server runs in its own process (a crash or a blocked event loop is then
// seen, not suffered). Properties: no crash, no unhandled rejection or
// uncaught exception, no hang (every fuzz connection closes, every call
// ends, the server keeps answering), bounded memory.
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { describe } from "node:test";
import { fileURLToPath } from "node:url";
import { type Connection, connect } from "@ttrpc-ts/runtime";
import { encodeFrame, encodeFrameHeader, FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import type { ServerStats } from "../support/fuzz/fuzz-server.js";
import { fuzzIt } from "../support/fuzz/fuzz-test.js";
import { corpusFrame, mutate, protobufish, randomChunks, randomFrame } from "../support/fuzz/mutators.js";
import { Prng } from "../support/fuzz/prng.js";
import { RawPeer } from "../support/raw-peer.js";
import { socketPath } from "../support/socket-path.js";
import { encodeMsg, type Msg, msg, TestMethods, testRequestBody } from "../support/test-service.js";
import { collect, sleep, within } from "../support/wait.js";

const MiB = 2 ** 20;
const METHODS = ["Echo", "Hang", "WhoAmI", "Ticks", "Sum", "Chat", "Nope"];

/** A random but plausible test-service message. */
function randomMsg(rng: Prng): Uint8Array {
  if (rng.chance(0.15)) return protobufish(rng, 64);
  return encodeMsg(
    msg({
      id: rng.int(1000),
      seq: rng.chance(0.1) ? rng.int(200_000) : 0,
      data: rng.bytes(rng.size(2048)),
      delayMs: rng.chance(0.3) ? rng.int(200) : 0,
      count: rng.chance(0.5) ? rng.int(20) : 0,
      text: rng.chance(0.05) ? "throw" : "",
    }),
  );
}

/**
 * One of the attack classes of the cost model: a metadata flood, a huge
 * (invalid UTF-8) method name, a far or int64-max timeout, a frame announced
 * at gigabytes, or a burst of Requests for big answers.
 */
function hostileFrame(rng: Prng, id: number): Buffer {
  switch (rng.int(5)) {
    case 0: {
      const n = rng.pick([1025, 20_000, 200_000]);
      const head = testRequestBody(rng.pick(["Echo", "Nope"]), encodeMsg(msg({ id })), rng.chance(0.5) ? undefined : "no.Such");
      const entry = [0x2a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76];
      const out = Buffer.alloc(head.length + n * entry.length);
      out.set(head, 0);
      for (let i = 0; i < n; i++) out.set(entry, head.length + i * entry.length);
      return encodeFrame(id, FrameType.Request, 0, out.subarray(0, Math.min(out.length, 60 * 1024)));
    }
    case 1: {
      const name = Buffer.alloc(rng.range(1000, 60_000), 0xff);
      return encodeFrame(id, FrameType.Request, 0, Buffer.concat([Buffer.from([0x12, ...varint(name.length)]), name]));
    }
    case 2: {
      const ns = rng.pick([30n * 86_400n * 10n ** 9n, 365n * 86_400n * 10n ** 9n, 2n ** 63n - 1n]);
      return encodeFrame(id, FrameType.Request, 0, testRequestBody("Echo", encodeMsg(msg({ id })), undefined, ns));
    }
    case 3:
      return encodeFrameHeader(rng.pick([16 << 20, 0xffffffff]), id, rng.pick([FrameType.Request, FrameType.Data]), 0);
    default: {
      const frames: Buffer[] = [];
      for (let i = 0; i < 100; i++)
        frames.push(encodeFrame(id + 2 * i, FrameType.Request, 0, testRequestBody("Echo", encodeMsg(msg({ count: 60_000 })))));
      return Buffer.concat(frames);
    }
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/**
 * Writes `chunk`; true when it has not gone through within 200 ms (the
 * server has stopped reading from this peer: its answers are not read).
 */
async function writeOrStall(raw: RawPeer, chunk: Uint8Array): Promise<boolean> {
  const written = raw.write(chunk).then(() => false);
  // Destroying the socket later fails a write still pending; that is expected.
  written.catch(() => {});
  return Promise.race([written, sleep(200).then(() => true)]);
}

/** One fuzz connection: a random session of frames, then a random ending. */
async function fuzzConnection(
  path: string,
  rng: Prng,
  stats: { frames: number; bytes: number; connections: number; stalled: number },
): Promise<void> {
  const raw = await RawPeer.connect(path);
  stats.connections++;
  // Some peers never read what the server answers.
  if (rng.chance(0.2)) raw.socket.pause();
  let nextId = 1;
  const open: number[] = [];
  const actions = rng.range(1, 60);
  for (let a = 0; a < actions && !raw.isClosed; a++) {
    let frame: Buffer;
    const r = rng.float();
    if (r < 0.35) {
      // A valid Request, sometimes opening a client stream.
      const id = nextId;
      nextId += rng.chance(0.9) ? 2 : rng.range(1, 9);
      const method = rng.pick(METHODS);
      const streams = method === "Sum" || method === "Chat";
      const flags = streams ? rng.pick([FrameFlag.RemoteOpen, FrameFlag.RemoteOpen | FrameFlag.NoData]) : rng.chance(0.5) ? 0 : 1;
      const timeout = rng.chance(0.2) ? BigInt(rng.int(300)) * 1_000_000n : 0n;
      frame = encodeFrame(
        id,
        FrameType.Request,
        flags,
        testRequestBody(method, rng.chance(0.3) ? undefined : randomMsg(rng), undefined, timeout),
      );
      if (streams) open.push(id);
    } else if (r < 0.5 && open.length > 0) {
      // Interleaved Data on an open stream: a message, a close, or a close with data.
      const id = rng.pick(open);
      const kind = rng.int(4);
      if (kind === 0) frame = encodeFrame(id, FrameType.Data, FrameFlag.RemoteClosed | FrameFlag.NoData, new Uint8Array(0));
      else if (kind === 1) frame = encodeFrame(id, FrameType.Data, FrameFlag.RemoteClosed, randomMsg(rng));
      else frame = encodeFrame(id, FrameType.Data, 0, randomMsg(rng));
    } else if (r < 0.62) {
      frame = corpusFrame(rng, nextId);
      nextId += 2;
    } else if (r < 0.72) {
      frame = hostileFrame(rng, nextId);
      nextId += 2;
    } else {
      frame = randomFrame(rng, 4096);
    }
    if (rng.chance(0.35)) frame = mutate(rng, frame);
    let stalled = false;
    for (const chunk of randomChunks(rng, frame)) {
      // A server may stop reading from a peer that does not read: give up on
      // this session at the first write that does not go through, rather
      // than wait (a frame cut into 1-byte chunks would otherwise wait once
      // per chunk).
      stalled = await writeOrStall(raw, chunk);
      if (stalled) break;
      stats.bytes += chunk.length;
    }
    if (stalled) {
      stats.stalled++;
      break;
    }
    stats.frames++;
    if (rng.chance(0.1)) await sleep(rng.int(5));
  }
  // The ending: destroy (maybe mid-frame), half-close, or linger then destroy.
  const end = rng.int(3);
  if (end === 0) {
    const f = randomFrame(rng, 512);
    await writeOrStall(raw, f.subarray(0, rng.int(f.length)));
    raw.socket.destroy();
  } else if (end === 1) {
    // Half-close: the server must close its side (a paused peer still gets the FIN handled).
    raw.socket.resume();
    raw.socket.end();
  } else {
    await sleep(rng.int(30));
    raw.socket.destroy();
  }
  // Generous: under heavy load closing takes a while; a real hang still fails.
  await raw.waitClosed(60_000);
}

/** The well-behaved client: unary calls and small streams, all checked. */
async function goodTraffic(client: Connection, stop: () => boolean): Promise<number> {
  let n = 0;
  while (!stop()) {
    const id = ++n;
    const res = await client.unary<Msg, Msg>(TestMethods.echo, msg({ id, text: "ok" }), { timeoutMs: 60_000 });
    assert.equal(res.id, id);
    if (n % 10 === 0) {
      const ticks = await collect(client.serverStream<Msg, Msg>(TestMethods.ticks, msg({ id, count: 5 }), { timeoutMs: 60_000 }));
      assert.deepEqual(
        ticks.map((m) => m.seq),
        [1, 2, 3, 4, 5],
      );
    }
    if (n % 25 === 0) {
      const sum = await client.clientStream<Msg, Msg>(
        TestMethods.sum,
        (async function* () {
          for (let i = 1; i <= 4; i++) yield msg({ id: i });
        })(),
        { timeoutMs: 60_000 },
      );
      assert.equal(sum.id, 10);
    }
  }
  return n;
}

/** The fuzz server process and a way to ask it how it is doing. */
class ServerProcess {
  readonly child: ChildProcess;
  exited = false;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.once("exit", () => {
      this.exited = true;
    });
  }

  static async start(path: string): Promise<ServerProcess> {
    const script = fileURLToPath(new URL("../support/fuzz/fuzz-server.ts", import.meta.url));
    const child = spawn(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", script, path], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await within(new Promise((resolve) => child.once("message", resolve)), 20_000, "fuzz server started");
    return new ServerProcess(child);
  }

  /** The server's figures; fails when it has crashed or stopped answering. */
  async stats(): Promise<ServerStats> {
    assert.equal(this.exited, false, "the server process died");
    const reply = new Promise<ServerStats>((resolve) => {
      const on = (m: unknown): void => {
        if (typeof m === "object" && m !== null && "stats" in m) {
          this.child.off("message", on);
          resolve((m as { stats: ServerStats }).stats);
        }
      };
      this.child.on("message", on);
    });
    this.child.send("stats");
    // Generous: a busy machine answers late; a blocked loop never does.
    return within(reply, 60_000, "the server process answering (is its event loop blocked?)");
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send("close");
    await within(gone, 5000, "the server process exiting").catch(() => this.child.kill("SIGKILL"));
  }
}

describe("live server fuzz", () => {
  fuzzIt("garbage on many connections never hurts the server or a well-behaved client", 7000, async ({ rng, deadline, note }) => {
    // The client side (this process) must not see any either.
    const problems: unknown[] = [];
    const record = (e: unknown): void => {
      problems.push(e);
    };
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
    // Work is bounded by a count of connections (from the budget), not by
    // the clock: a loaded machine takes longer, it does not fail.
    const perWorker = Math.max(4, Math.round((deadline - Date.now()) / 500));
    const path = socketPath("fuzz");
    const server = await ServerProcess.start(path);
    const start = await server.stats();
    let peakRss = start.rss;
    let peakBuffered = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const s = await server.stats();
        peakRss = Math.max(peakRss, s.rss);
        peakBuffered = Math.max(peakBuffered, s.bufferedBytes);
        await sleep(100);
      }
    })();
    // Its failure is reported where it is awaited; do not let it go unhandled meanwhile.
    sampler.catch(() => {});
    const good = await connect(path);
    let fuzzing = true;
    const traffic = goodTraffic(good, () => !fuzzing);
    const stats = { frames: 0, bytes: 0, connections: 0, stalled: 0 };
    try {
      const workers = Array.from({ length: 6 }, (_, w) =>
        (async () => {
          // Each worker has its own stream of randomness, derived from the seed.
          const wr = new Prng(rng.u32() ^ w);
          for (let i = 0; i < perWorker; i++) await fuzzConnection(path, wr, stats);
        })(),
      );
      await Promise.all(workers);
      fuzzing = false;
      const goodCalls = await within(traffic, 120_000, "the good client's last call");
      sampling = false;
      await sampler;
      // No hang: every fuzz connection closed, every call ended.
      let last = await server.stats();
      for (let polls = 0; (last.connections !== 1 || last.activeCalls !== 0) && polls < 600; polls++) {
        await sleep(100);
        last = await server.stats();
      }
      assert.equal(last.connections - 1, 0, "fuzz connections left open");
      assert.equal(last.activeCalls, 0, "calls left in progress");
      note(
        `${stats.connections} fuzz connections (${stats.stalled} stalled by back-pressure), ${stats.frames} frames, ${(stats.bytes / MiB).toFixed(1)} MiB; ` +
          `good client: ${goodCalls} calls; server RSS ${(start.rss / MiB).toFixed(0)} -> peak ${(peakRss / MiB).toFixed(0)} MiB ` +
          `(reported, not asserted); peak unread ${(peakBuffered / MiB).toFixed(1)} MiB; longest loop delay ${last.maxLoopDelayMs.toFixed(0)} ms`,
      );
      assert.ok(goodCalls > 0);
      assert.equal(good.activeCalls, 0);
      assert.deepEqual(last.problems, [], "unhandled rejections or uncaught exceptions in the server");
      // Memory counted in bytes: at most the receive budget (16 MiB) per connection open at once.
      assert.ok(peakBuffered <= 7 * 16 * MiB, `server held ${peakBuffered} bytes unread`);
    } finally {
      fuzzing = false;
      sampling = false;
      await traffic.catch(() => {});
      await sampler.catch(() => {});
      good.close();
      await server.stop();
      process.off("unhandledRejection", record);
      process.off("uncaughtException", record);
    }
    assert.deepEqual(problems.map(String), [], "unhandled rejections or uncaught exceptions in the test process");
  });
});
