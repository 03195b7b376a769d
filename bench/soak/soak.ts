// `npm run soak`: sustained load against a server in another process, with
// every call counted.
//
//   npm run soak                       short CI mode: 50,000 calls
//   npm run soak -- --calls 1000000    long mode (or --long)
//   options: --connections N (8)  --concurrency N per connection (32)
//            --stream-every N (20: every Nth call is a 10-item server stream)
//            --bidi-every N (50: every Nth call is a 5-message bidi echo)
//            --payload BYTES (64)  --rss-tolerance-mb N (48)  --json
//
// Every call has a unique id. A unary call must come back with its id; a
// stream must deliver exactly its items, seq 1..n, each carrying its id.
// "lost" counts calls that ended without every expected response, "dup"
// responses seen twice; the server's own count of handled calls must equal
// the number sent. The server's RSS is sampled before the run (after a full
// GC), at its peak, and after (all connections closed, 1 s settle, full GC).
// Exits 1 on any error, loss, duplicate, or RSS after > before + tolerance.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Connection, connect } from "@ttrpc-ts/runtime";
import { type Item, item, SoakMethods } from "./soak-service.js";

const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "50000" },
    long: { type: "boolean", default: false },
    connections: { type: "string", default: "8" },
    concurrency: { type: "string", default: "32" },
    "stream-every": { type: "string", default: "20" },
    "bidi-every": { type: "string", default: "50" },
    payload: { type: "string", default: "64" },
    "rss-tolerance-mb": { type: "string", default: "48" },
    json: { type: "boolean", default: false },
  },
});

const CALLS = args.long ? 1_000_000 : Number(args.calls);
const CONNECTIONS = Number(args.connections);
const CONCURRENCY = Number(args.concurrency);
const STREAM_EVERY = Number(args["stream-every"]);
const BIDI_EVERY = Number(args["bidi-every"]);
const STREAM_ITEMS = 10;
const BIDI_ITEMS = 5;
const TOLERANCE = Number(args["rss-tolerance-mb"]) * 2 ** 20;
const payload = new Uint8Array(Number(args.payload)).fill(0x61);

/** Talks to the server process over IPC. */
class ServerProcess {
  readonly child: ChildProcess;

  constructor(path: string) {
    const script = fileURLToPath(new URL("./server.ts", import.meta.url));
    this.child = spawn(process.execPath, ["--expose-gc", "--conditions=@ttrpc-ts/source", "--import", "tsx", script, path], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
  }

  ask<T>(cmd: object, key: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not answer ${JSON.stringify(cmd)} within 30 s`)), 30_000);
      const on = (m: unknown): void => {
        if (typeof m === "object" && m !== null && key in m) {
          clearTimeout(timer);
          this.child.off("message", on);
          resolve((m as Record<string, T>)[key] as T);
        }
      };
      this.child.on("message", on);
      if (cmd !== READY) this.child.send(cmd);
    });
  }
}
const READY = {};

interface Mem {
  rss: number;
  peak: number;
  heap: number;
}
interface Stats {
  handled: number;
  activeCalls: number;
  connections: number;
  problems: string[];
}

/** Per-call state: 0 not started, 1 in flight, 2 complete and correct. */
let state = new Uint8Array(CALLS);
let errors = 0;
let dup = 0;
let wrong = 0;
let responses = 0;
const errorSamples: string[] = [];

function fail(e: unknown): void {
  errors++;
  if (errorSamples.length < 5) errorSamples.push(String(e));
}

/** Marks a call complete; a second completion is a duplicate. */
function complete(id: number): void {
  if (state[id] === 2) dup++;
  else state[id] = 2;
}

async function unary(c: Connection, id: number): Promise<void> {
  const res = await c.unary<Item, Item>(SoakMethods.call, item({ id, data: payload }));
  responses++;
  if (res.id !== id) wrong++;
  else complete(id);
}

async function stream(c: Connection, id: number): Promise<void> {
  let expect = 1;
  let ok = true;
  for await (const m of c.serverStream<Item, Item>(SoakMethods.stream, item({ id, count: STREAM_ITEMS }))) {
    responses++;
    if (m.id !== id) wrong++;
    if (m.seq < expect) dup++;
    if (m.seq !== expect || m.id !== id) ok = false;
    expect = m.seq + 1;
  }
  if (ok && expect === STREAM_ITEMS + 1) complete(id);
}

async function bidi(c: Connection, id: number): Promise<void> {
  const requests = async function* (): AsyncIterable<Item> {
    for (let seq = 1; seq <= BIDI_ITEMS; seq++) yield item({ id, seq, data: payload });
  };
  let expect = 1;
  let ok = true;
  for await (const m of c.bidiStream<Item, Item>(SoakMethods.chat, requests())) {
    responses++;
    if (m.seq < expect) dup++;
    if (m.seq !== expect || m.id !== id) ok = false;
    expect = m.seq + 1;
  }
  if (ok && expect === BIDI_ITEMS + 1) complete(id);
}

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** Makes `count` calls (ids 0..count-1), CONCURRENCY at a time on each client. */
async function run(clients: Connection[], count: number): Promise<void> {
  let next = 0;
  let done = 0;
  const progress = setInterval(() => {
    if (!args.json) process.stderr.write(`\r  ${done.toLocaleString("en")} / ${count.toLocaleString("en")} calls`);
  }, 1000);
  const worker = async (c: Connection): Promise<void> => {
    for (;;) {
      const id = next++;
      if (id >= count) return;
      state[id] = 1;
      try {
        if (STREAM_EVERY > 0 && id % STREAM_EVERY === STREAM_EVERY - 1) await stream(c, id);
        else if (BIDI_EVERY > 0 && id % BIDI_EVERY === BIDI_EVERY - 2) await bidi(c, id);
        else await unary(c, id);
      } catch (e) {
        fail(e);
      }
      done++;
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: CONCURRENCY }, () => worker(c))));
  clearInterval(progress);
  if (!args.json) process.stderr.write("\r\x1b[K");
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-soak-"));
  const path = join(dir, "soak.sock");
  const server = new ServerProcess(path);
  try {
    await server.ask(READY, "ready");
    const cold = await server.ask<Mem>({ cmd: "mem", gc: true }, "mem");
    // Warm-up on connections of its own, so that "before" is the server's
    // resting footprint once its code is compiled and its pools sized.
    const warm = Math.min(10_000, Math.ceil(CALLS / 10));
    const main = state;
    state = new Uint8Array(warm);
    const warmClients = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect(path)));
    await run(warmClients, warm);
    const warmErrors = errors + dup + wrong + state.filter((x) => x !== 2).length;
    for (const c of warmClients) c.close();
    state = main;
    errors = dup = wrong = responses = 0;
    await new Promise((r) => setTimeout(r, 500));
    const before = await server.ask<Mem>({ cmd: "mem", gc: true, resetPeak: true }, "mem");
    const handledBefore = (await server.ask<Stats>({ cmd: "stats" }, "stats")).handled;
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect(path)));
    const start = performance.now();
    await run(clients, CALLS);
    const seconds = (performance.now() - start) / 1000;
    const serverStats = await server.ask<Stats>({ cmd: "stats" }, "stats");
    serverStats.handled -= handledBefore;
    const during = await server.ask<Mem>({ cmd: "mem" }, "mem");
    for (const c of clients) c.close();
    await new Promise((r) => setTimeout(r, 1000));
    const after = await server.ask<Mem>({ cmd: "mem", gc: true }, "mem");
    const afterStats = await server.ask<Stats>({ cmd: "stats" }, "stats");
    let lost = 0;
    for (let i = 0; i < CALLS; i++) if (state[i] !== 2) lost++;
    const rssGrowth = after.rss - before.rss;
    const checks = {
      errors: errors === 0,
      lost: lost === 0,
      duplicated: dup === 0 && wrong === 0,
      "server handled every call once": serverStats.handled === CALLS,
      "warm-up clean": warmErrors === 0,
      "server idle after": afterStats.activeCalls === 0 && afterStats.connections === 0,
      "no unhandled errors in the server": serverStats.problems.length === 0,
      [`RSS after within ${mib(TOLERANCE)} of before`]: rssGrowth <= TOLERANCE,
      "heap after within 8 MiB of before": after.heap - before.heap <= 8 * 2 ** 20,
    };
    const summary = {
      calls: CALLS,
      responses,
      errors,
      lost,
      duplicated: dup,
      wrong,
      serverHandled: serverStats.handled,
      seconds: Number(seconds.toFixed(2)),
      callsPerSecond: Math.round(CALLS / seconds),
      connections: CONNECTIONS,
      concurrencyPerConnection: CONCURRENCY,
      rssCold: cold.rss,
      rssBefore: before.rss,
      rssPeak: during.peak,
      rssAfter: after.rss,
      heapBefore: before.heap,
      heapAfter: after.heap,
      checks,
      errorSamples,
    };
    if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const rows: Array<[string, string]> = [
        ["calls", CALLS.toLocaleString("en")],
        [
          "  unary / server streams / bidi",
          `${CALLS - countKind(STREAM_EVERY, 1) - countKind(BIDI_EVERY, 2)} / ${countKind(STREAM_EVERY, 1)} / ${countKind(BIDI_EVERY, 2)}`,
        ],
        ["responses (messages)", responses.toLocaleString("en")],
        ["errors", String(errors)],
        ["lost", String(lost)],
        ["duplicated / wrong", `${dup} / ${wrong}`],
        ["server handled", serverStats.handled.toLocaleString("en")],
        ["connections x concurrency", `${CONNECTIONS} x ${CONCURRENCY}`],
        ["time", `${seconds.toFixed(1)} s`],
        ["calls/s", Math.round(CALLS / seconds).toLocaleString("en")],
        ["server RSS cold / warm (before)", `${mib(cold.rss)} / ${mib(before.rss)}`],
        ["server RSS peak", mib(during.peak)],
        ["server RSS after", `${mib(after.rss)} (${rssGrowth >= 0 ? "+" : ""}${mib(rssGrowth)})`],
        ["server heap before / after", `${mib(before.heap)} / ${mib(after.heap)}`],
      ];
      const w = Math.max(...rows.map((r) => r[0].length));
      process.stdout.write(`\nttrpc-ts soak\n${"-".repeat(w + 24)}\n`);
      for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
      process.stdout.write(`${"-".repeat(w + 24)}\n`);
      for (const [k, ok] of Object.entries(checks)) process.stdout.write(`${ok ? "ok  " : "FAIL"}  ${k}\n`);
      for (const s of errorSamples) process.stdout.write(`  error: ${s}\n`);
    }
    return Object.values(checks).every(Boolean) ? 0 : 1;
  } finally {
    server.child.send({ cmd: "stop" });
    await new Promise((resolve) => {
      const t = setTimeout(() => {
        server.child.kill("SIGKILL");
        resolve(undefined);
      }, 5000);
      server.child.once("exit", () => {
        clearTimeout(t);
        resolve(undefined);
      });
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many call ids in [0, CALLS) fall on kind `every` (offset `k`). */
function countKind(every: number, k: number): number {
  if (every <= 0) return 0;
  let n = 0;
  for (let id = every - k; id < CALLS; id += every) n++;
  if (k === 2 && STREAM_EVERY > 0) {
    // Ids that are both: the stream wins.
    for (let id = every - k; id < CALLS; id += every) if (id % STREAM_EVERY === STREAM_EVERY - 1) n--;
  }
  return n;
}

process.exitCode = await main();
