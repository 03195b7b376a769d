// The `attack` scenario of `npm run bench`: for each attack class of the
// cost model (PROTOCOL.md, "Limits and defences"), one hostile connection
// works on a ttrpc-ts server (default options, own process) while a canary
// client (own process) makes sequential unary calls. Reported per class:
// the canary's p99 latency beside the same canary with no attack, the
// server's longest event-loop delay, and its memory growth (peak RSS and
// heap over the idle figure: reported, never asserted).
import { fork, spawn } from "node:child_process";
import * as net from "node:net";
import { join } from "node:path";
import { root } from "./schema.mjs";

const SERVICE = "ttrpc.bench.v1.Bench";
const MiB = 1 << 20;

function varint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function field(no, bytes) {
  return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
}

function request(method, payload, extra = Buffer.alloc(0)) {
  return Buffer.concat([field(1, Buffer.from(SERVICE)), field(2, Buffer.from(method)), field(3, payload), extra]);
}

function frame(id, type, flags, payload) {
  const h = Buffer.alloc(10);
  h.writeUInt32BE(payload.length, 0);
  h.writeUInt32BE(id, 4);
  h[8] = type;
  h[9] = flags;
  return Buffer.concat([h, payload]);
}

const streamReq = (count, size) => Buffer.concat([Buffer.from([0x08]), varint(count), Buffer.from([0x10]), varint(size)]);

/** The attack classes. Each runs until `stop()` and returns nothing; `sock` is its own connection. */
const ATTACKS = [
  {
    id: "metadata_flood",
    title: "metadata flood (4 MiB Requests of 500k entries)",
    async run(sock, stop) {
      const entry = Buffer.from([0x2a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76]);
      const md = Buffer.alloc(entry.length * 500_000);
      for (let i = 0; i < 500_000; i++) entry.copy(md, i * entry.length);
      const body = request("Echo", Buffer.alloc(0), md);
      for (let id = 1; !stop(); id += 2) await write(sock, frame(id, 1, 0, body));
    },
  },
  {
    id: "tiny_elements",
    title: "tiny-element payload (4 MiB of empty strings)",
    async run(sock, stop) {
      const tags = Buffer.alloc(4 * MiB - 64);
      for (let i = 0; i < tags.length; i += 2) tags[i] = 0x22; // Small.tags = 4, empty
      const body = request("Echo", tags);
      for (let id = 1; !stop(); id += 2) await write(sock, frame(id, 1, 0, body));
    },
  },
  {
    id: "unread_streams",
    title: "300 server streams of 1 MiB messages, never read",
    async run(sock, stop) {
      sock.pause();
      const frames = [];
      for (let i = 0; i < 300; i++) frames.push(frame(2 * i + 1, 1, 1, request("Stream", streamReq(1000, MiB))));
      void write(sock, Buffer.concat(frames));
      while (!stop()) await sleep(50);
    },
  },
  {
    id: "many_streams",
    title: "100k streams opened on one connection",
    async run(sock, stop) {
      sock.pause();
      const body = request("Bidi", Buffer.alloc(0));
      const frames = [];
      for (let i = 0; i < 100_000; i++) frames.push(frame(2 * i + 1, 1, 2, body));
      void write(sock, Buffer.concat(frames));
      while (!stop()) await sleep(50);
    },
  },
  {
    id: "unread_responses",
    title: "12 KiB of pipelined Requests for 1 MiB answers, never read",
    async run(sock, stop) {
      sock.pause();
      const frames = [];
      const body = request("Stream", streamReq(1, MiB));
      for (let i = 0; frames.length * (10 + body.length) < 12 * 1024; i++) frames.push(frame(2 * i + 1, 1, 1, body));
      void write(sock, Buffer.concat(frames));
      while (!stop()) await sleep(50);
    },
  },
  {
    id: "huge_frame",
    title: "a frame announced at 4 GiB, body streamed",
    async run(sock, stop) {
      const h = Buffer.alloc(10);
      h.writeUInt32BE(0xffffffff, 0);
      h.writeUInt32BE(1, 4);
      h[8] = 1;
      await write(sock, h);
      const chunk = Buffer.alloc(MiB, 0x41);
      while (!stop()) await write(sock, chunk);
    },
  },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Writes, resolving on flush or when the socket closes or errors (an attacker never waits for more). */
function write(sock, bytes) {
  return new Promise((resolve) => {
    if (sock.destroyed) return resolve();
    const done = () => {
      sock.off("close", done);
      resolve();
    };
    sock.once("close", done);
    sock.write(bytes, done);
  });
}

function ask(child, msg, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && typeof m === "object" && key in m) {
        child.off("message", on);
        resolve(m[key]);
      }
    };
    child.on("message", on);
    child.send(msg);
  });
}

function canary(socket, durationMs, env) {
  const child = spawn(process.execPath, [join(root, "bench/lib/attack-canary.mjs"), socket, String(durationMs)], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: root,
    env,
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve) =>
    child.once("close", () => {
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()));
      } catch {
        resolve({ calls: 0, failed: 0, p99Ms: Number.NaN, error: out.slice(-300) });
      }
    }),
  );
}

/** One class (or the baseline, `attack` undefined) on a fresh server. */
async function measure(dir, attack, durationMs, env) {
  const socket = join(dir, `attack-${attack?.id ?? "none"}.sock`);
  const server = fork(join(root, "bench/lib/attack-server.mjs"), [socket], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  await new Promise((r) => server.once("message", r));
  await sleep(300);
  const idle = await ask(server, "stats", "stats");
  await ask(server, "reset", "reset");
  let peakRss = idle.rss;
  let peakHeap = idle.heap;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = await ask(server, "stats", "stats");
      peakRss = Math.max(peakRss, s.rss);
      peakHeap = Math.max(peakHeap, s.heap + s.external);
      await sleep(50);
    }
  })();
  let stopped = false;
  const socks = [];
  const attacking = attack
    ? (async () => {
        const sock = net.connect(socket);
        socks.push(sock);
        sock.on("error", () => {});
        await new Promise((r) => sock.once("connect", r));
        await attack.run(sock, () => stopped || sock.destroyed);
      })()
    : Promise.resolve();
  await sleep(attack ? 200 : 0);
  const c = await canary(socket, durationMs, env);
  stopped = true;
  for (const s of socks) s.destroy();
  await attacking.catch(() => {});
  const last = await ask(server, "stats", "stats");
  sampling = false;
  await sampler;
  server.send("close");
  await new Promise((r) => server.once("exit", r));
  return {
    calls: c.calls,
    failed: c.failed,
    p99Ms: c.p99Ms,
    maxLoopMs: last.maxLoopMs,
    rssGrowth: peakRss - idle.rss,
    heapGrowth: peakHeap - (idle.heap + idle.external),
  };
}

/** Runs the baseline and every class; `env` may point TTRPC_BENCH_RUNTIME at another build. */
export async function runAttacks({ dir, quick, env = process.env, log = () => {} }) {
  const durationMs = quick ? 700 : 3000;
  const results = { baseline: await measure(dir, undefined, durationMs, env) };
  log(`  attack  baseline          canary p99 ${results.baseline.p99Ms.toFixed(2)} ms`);
  for (const a of ATTACKS) {
    results[a.id] = await measure(dir, a, durationMs, env);
    const r = results[a.id];
    log(
      `  attack  ${a.id.padEnd(17)} canary p99 ${r.p99Ms.toFixed(2)} ms, loop max ${r.maxLoopMs.toFixed(0)} ms, RSS +${(r.rssGrowth / MiB).toFixed(0)} MiB`,
    );
  }
  return results;
}

/** Rows for the report table: class, canary p99 (and ÷ baseline), loop delay, RSS and heap growth. */
export function attackRows(results) {
  const base = results.baseline;
  const mib = (b) => `${(b / MiB).toFixed(1)} MiB`;
  const rows = [
    [
      "no attack (baseline)",
      `${base.p99Ms.toFixed(2)} ms`,
      "1.0×",
      `${base.maxLoopMs.toFixed(0)} ms`,
      mib(base.rssGrowth),
      mib(base.heapGrowth),
      String(base.calls),
    ],
  ];
  for (const a of ATTACKS) {
    const r = results[a.id];
    if (!r) continue;
    rows.push([
      a.title,
      `${r.p99Ms.toFixed(2)} ms`,
      `${(r.p99Ms / base.p99Ms).toFixed(1)}×`,
      `${r.maxLoopMs.toFixed(0)} ms`,
      mib(r.rssGrowth),
      mib(r.heapGrowth),
      `${r.calls}${r.failed ? ` (${r.failed} failed)` : ""}`,
    ]);
  }
  return rows;
}

export const ATTACK_HEADER = [
  "attack class",
  "canary p99",
  "÷ baseline",
  "server loop max",
  "server RSS +",
  "server heap +",
  "canary calls",
];
