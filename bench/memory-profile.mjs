#!/usr/bin/env node
// The low-memory profile, measured: resident memory of a ttrpc-ts server
// under Node/V8 options that shrink it, idle and under a shim-like load, with
// the throughput each option costs, next to the Go ttrpc server and bare Node,
// all in one run (interleaved, medians over rounds).
//
//   node bench/memory-profile.mjs            (also: npm run bench -- --memory)
//   node bench/memory-profile.mjs --quick    one short round
//   node bench/memory-profile.mjs --bun /path/to/bun --deno /path/to/deno
//
// Writes bench/results/memory.json (quick: memory.quick.tmp.json). Needs
// /proc (Linux). See bench/README.md, "Low-memory profile".
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { canReadRss, goServerBin, readCpuUs, readRss, sampleRss, sleep, startServer, stopServer } from "./lib/procs.mjs";
import { bytes, num, summary, table } from "./lib/report.mjs";
import { snapshotRuntime } from "./lib/runtime-snapshot.mjs";
import { prepareSchema, root } from "./lib/schema.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    bun: { type: "string" },
    deno: { type: "string" },
    out: { type: "string" },
  },
});
const quick = args.quick || process.env.BENCH_QUICK === "1";
const cfg = {
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  settleMs: quick ? 500 : 1000,
  loadMs: Number(args.duration ?? (quick ? 1000 : 3000)),
  afterMs: 500,
  connections: 3,
};
const log = (s) => process.stderr.write(`${s}\n`);
if (!canReadRss) throw new Error("memory-profile needs /proc to read resident memory");

// Heap limits in MiB; the semi-space (young generation) limit is per half.
const HEAP = ["--max-old-space-size=16", "--max-semi-space-size=1"];
const THREADS = ["--v8-pool-size=0", "--single-threaded"];
const SHIM = [...HEAP, ...THREADS, "--lite-mode"];

/** How each server runs: `kind` = ttrpc-ts (bench/lib/server.mjs), go, or bare (an idle runtime). */
const VARIANTS = [
  { id: "bare", title: "bare Node (idle timer)", kind: "bare", args: [] },
  { id: "bare-shim", title: "bare Node, shim profile", kind: "bare", args: SHIM },
  { id: "default", title: "ttrpc-ts, Node defaults", kind: "ttrpc-ts", args: [] },
  { id: "heap", title: "ttrpc-ts, heap limits", kind: "ttrpc-ts", args: HEAP },
  { id: "threads", title: "ttrpc-ts, heap limits + one thread", kind: "ttrpc-ts", args: [...HEAP, ...THREADS] },
  { id: "shim", title: "ttrpc-ts, shim profile (+ lite mode)", kind: "ttrpc-ts", args: SHIM },
  { id: "jitless", title: "ttrpc-ts, heap limits + one thread + jitless", kind: "ttrpc-ts", args: [...HEAP, ...THREADS, "--jitless"] },
  {
    id: "tiny",
    title: "ttrpc-ts, shim profile, 8 MiB old space",
    kind: "ttrpc-ts",
    args: ["--max-old-space-size=8", "--max-semi-space-size=1", ...THREADS, "--lite-mode"],
  },
  { id: "go", title: "Go containerd/ttrpc server", kind: "go", args: [] },
];
if (args.bun) {
  VARIANTS.push({ id: "bun", title: "ttrpc-ts on Bun", kind: "ttrpc-ts", exec: args.bun, args: [] });
  VARIANTS.push({ id: "bun-bare", title: "bare Bun (idle timer)", kind: "bare", exec: args.bun, args: [] });
}
if (args.deno) {
  const deno = ["run", "--allow-all"];
  VARIANTS.push({ id: "deno", title: "ttrpc-ts on Deno", kind: "ttrpc-ts", exec: args.deno, args: deno });
  VARIANTS.push({ id: "deno-bare", title: "bare Deno (idle timer)", kind: "bare", exec: args.deno, args: ["eval"] });
}

/** An idle runtime with nothing loaded: the floor for any server written for it. */
function startBare(v) {
  const child = spawn(v.exec ?? process.execPath, [...v.args, ...(v.id === "deno-bare" ? [] : ["-e"]), "setInterval(() => {}, 1e9)"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return Promise.resolve(child);
}

/**
 * Runs the shim-like load (bench/lib/shim-load.mjs, a ttrpc-ts client, on
 * plain Node unless `exec` says otherwise) against `socket`.
 */
function runLoad(socket, durationMs, exec = process.execPath, execArgs = []) {
  const opt = JSON.stringify({ durationMs, connections: cfg.connections });
  const child = spawn(exec, [...execArgs, join(root, "bench/lib/shim-load.mjs"), socket, opt], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: root,
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve) =>
    child.on("exit", () => {
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()));
      } catch {
        resolve({ ok: false, error: (err || out).trim().split("\n").slice(-2).join(" ") || "no output" });
      }
    }),
  );
}

async function measure(v, sockDir, round) {
  const socket = join(sockDir, `${v.id}-${round}.sock`);
  let child;
  try {
    if (v.kind === "bare") child = await startBare(v);
    else if (v.kind === "go") child = await startServer("go", socket);
    else child = await startServer("ttrpc-ts", socket, { nodeArgs: v.args, exec: v.exec });
  } catch (e) {
    return { ok: false, error: `start: ${e.message}` };
  }
  try {
    await sleep(cfg.settleMs);
    const r = { idle: readRss(child.pid)?.rss };
    if (v.kind === "bare") return { ok: r.idle !== undefined, ...r };
    const stop = sampleRss(child.pid, 25);
    const cpu0 = readCpuUs(child.pid);
    const load = await runLoad(socket, cfg.loadMs);
    const cpu1 = readCpuUs(child.pid);
    r.peak = stop();
    // The server's CPU per call: what an option costs, far less disturbed by a busy machine than calls/s.
    if (load.ok && cpu0 !== undefined && cpu1 !== undefined) r.cpuUsPerCall = (cpu1 - cpu0) / load.calls;
    // Another runtime: its client must work too (a short load from a client on it).
    if (v.exec) {
      const own = await runLoad(socket, 500, v.exec, v.args);
      if (!own.ok) return { ...r, ok: false, error: `client on ${v.id}: ${own.error}` };
    }
    await sleep(cfg.afterMs);
    r.after = readRss(child.pid)?.rss;
    if (child.exitCode !== null) return { ok: false, error: `server exited (${child.exitCode})`, ...r };
    return { ...r, ok: load.ok, error: load.error, callsPerSec: load.callsPerSec, streams: load.streams };
  } finally {
    if (v.kind === "bare") {
      child.kill("SIGTERM");
    } else await stopServer(child);
  }
}

const started = Date.now();
const snapshot = snapshotRuntime();
for (const n of snapshot.notes) log(`note: ${n}`);
await prepareSchema();
const variants = VARIANTS.filter((v) => v.kind !== "go" || existsSync(goServerBin));
if (variants.length < VARIANTS.length) log("note: interop/go/bin/ttrpc-bench-server missing (run interop/go/build.sh): no Go row");
log(`memory profile: ${cfg.rounds} round(s), ${cfg.settleMs} ms idle + ${cfg.loadMs} ms shim-like load per server`);
const sockDir = mkdtempSync(join(os.tmpdir(), "ttrpc-mem-"));
const rounds = [];
try {
  for (let r = 0; r < cfg.rounds; r++) {
    const res = {};
    // Rotate the order so no variant always runs first.
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length];
      res[v.id] = await measure(v, sockDir, r);
      const m = res[v.id];
      log(
        `  round ${r + 1}  ${v.id.padEnd(10)} idle ${bytes(m.idle)}  peak ${m.peak ? bytes(m.peak) : "–"}  ${m.callsPerSec ? `${num(m.callsPerSec)} calls/s` : ""} ${m.ok ? "" : `FAILED: ${m.error}`}`,
      );
    }
    rounds.push(res);
  }
} finally {
  rmSync(sockDir, { recursive: true, force: true });
}

const results = {};
for (const v of variants) {
  const list = rounds.map((r) => r[v.id]);
  const s = (k) => summary(list.map((m) => (m.ok ? m[k] : undefined)));
  // Throughput relative to Node defaults, per round.
  const rel = summary(rounds.map((r) => (r[v.id].ok && r.default?.ok ? r[v.id].callsPerSec / r.default.callsPerSec : undefined)));
  results[v.id] = {
    title: v.title,
    flags: [...(v.exec ? [basename(v.exec)] : []), ...v.args].join(" "),
    ok: list.every((m) => m.ok),
    errors: list.filter((m) => !m.ok).map((m) => m.error),
    idle: s("idle"),
    peak: s("peak"),
    after: s("after"),
    callsPerSec: s("callsPerSec"),
    cpuUsPerCall: s("cpuUsPerCall"),
    vsDefault: rel,
    cpuVsDefault: summary(rounds.map((r) => (r[v.id].ok && r.default?.ok ? r[v.id].cpuUsPerCall / r.default.cpuUsPerCall : undefined))),
  };
}

const cell = (x, f) => (!x ? "–" : x.n > 1 ? `${f(x.median)}\n(${f(x.min)}–${f(x.max)})` : f(x.median));
const rows = variants.map((v) => {
  const r = results[v.id];
  return [
    `${r.title}${r.flags ? `\n  ${r.flags}` : ""}`,
    cell(r.idle, bytes),
    cell(r.peak, bytes),
    cell(r.after, bytes),
    cell(r.callsPerSec, num),
    cell(r.vsDefault, (x) => `${x.toFixed(2)}×`),
    cell(r.cpuUsPerCall, (x) => x.toFixed(1)),
    cell(r.cpuVsDefault, (x) => `${x.toFixed(2)}×`),
    v.kind === "bare" ? (r.ok ? "idle only" : "FAILED") : r.ok ? "ok" : "FAILED",
  ];
});
const report = [
  `ttrpc-ts memory profile, ${new Date(started).toISOString()}, node ${process.version}, ${os.cpus().length} cores`,
  `${cfg.rounds} round(s); load: ${cfg.connections} connections of sequential Echo calls + a 10-message server stream every 250 ms and a 10-message bidi stream every second, ${cfg.loadMs} ms; cells: median (min–max)`,
  "",
  table(
    [
      "server (resident memory)",
      "idle",
      "under load, peak",
      `${cfg.afterMs} ms after`,
      "calls/s",
      "÷ Node defaults",
      "server CPU\nµs per call",
      "÷ Node defaults",
      "runs correctly",
    ],
    rows,
  ),
  ...variants.flatMap((v) => results[v.id].errors.map((e) => `FAILED ${v.id}: ${e}`)),
  "",
].join("\n");
process.stdout.write(`\n${report}`);

const outFile = args.out ?? join(root, "bench/results", quick ? "memory.quick.tmp.json" : "memory.json");
mkdirSync(join(outFile, ".."), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify({ schema: 1, date: new Date(started).toISOString(), node: process.version, config: cfg, results, rounds }, null, 2)}\n`,
);
log(`wrote ${relative(process.cwd(), outFile)}`);
process.exit(variants.filter((v) => v.kind !== "bare").every((v) => results[v.id].ok) ? 0 : 1);
