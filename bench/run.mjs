#!/usr/bin/env node
// `npm run bench`: ttrpc-ts against a bare node:net ceiling, @grpc/grpc-js
// and the Go containerd/ttrpc v1.2 peer, side by side in one run.
//
//   npm run bench                  full mode: 5 runs, prints the table, writes bench/results/latest.json
//   npm run bench -- --quick       quick mode (also BENCH_QUICK=1): 1 short run, writes bench/results/quick.tmp.json
//   npm run bench -- --runs 3 --duration 2000 --warmup 500 --out file.json
//   npm run bench -- --memory      the low-memory profile instead (bench/memory-profile.mjs; more options there)
//   npm run bench -- --only attack  only the attack scenario (hostile peers beside a canary client)
//
// Every measurement runs a server process and a client process on a unix
// socket; the client prints its figures as JSON. See bench/README.md for what
// each figure means. Exit status: 0 when everything ran (and, in full mode,
// every target was met), 1 when something failed to run, 3 when everything
// ran but a target was missed in full mode.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ATTACK_HEADER, attackRows, runAttacks } from "./lib/attack.mjs";
import { generatedCodeSize, importCost, installedClosure, runtimeClosure } from "./lib/footprint.mjs";
import {
  canReadRss,
  goClientBin,
  goServerBin,
  readCpuUs,
  readRss,
  runClient,
  sampleRss,
  sleep,
  startServer,
  stopServer,
} from "./lib/procs.mjs";
import { bytes, MiB, megabytes, num, summary, table } from "./lib/report.mjs";
import { snapshotRuntime } from "./lib/runtime-snapshot.mjs";
import { prepareSchema, root } from "./lib/schema.mjs";

if (process.argv.includes("--memory")) {
  // The low-memory profile is its own script; pass the other options on.
  const rest = process.argv.slice(2).filter((a) => a !== "--memory");
  const r = spawnSync(process.execPath, [join(import.meta.dirname, "memory-profile.mjs"), ...rest], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    out: { type: "string" },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  process.stdout.write(
    "usage: npm run bench -- [--quick] [--runs N] [--duration MS] [--warmup MS] [--out FILE]\n" +
      "  --quick (or BENCH_QUICK=1): one short run of every peer, for CI; never fails on missed targets\n" +
      "  --memory: the low-memory profile (bench/memory-profile.mjs) instead\n" +
      "  --only attack: just the attack scenario (each attack class of the cost model beside a canary client)\n",
  );
  process.exit(0);
}

const quick = args.quick || process.env.BENCH_QUICK === "1";
const ci = process.env.CI === "true";
const cfg = {
  mode: quick ? "quick" : "full",
  runs: Number(args.runs ?? (quick ? 1 : 5)),
  warmupMs: Number(args.warmup ?? (quick ? 150 : 400)),
  durationMs: Number(args.duration ?? (quick ? 300 : 1500)),
  /** Idle time after a server starts before its idle RSS is read. */
  settleMs: quick ? 300 : 800,
  /** Idle time after the 64-in-flight load before the "after" RSS is read. */
  afterMs: quick ? 300 : 1000,
  importRuns: quick ? 3 : 11,
  inflight: 64,
  /** The many-calls-in-flight measure. */
  manyInflight: 10000,
  blobSize: 1 << 20,
  /** Messages per stream: 64 B messages, 64 KiB messages. */
  streamCount: 1000,
  bigStreamCount: 100,
  msgSize: 1024,
  /** Node clients: time spent counting allocated bytes after each measurement. */
  allocMs: quick ? 150 : 300,
};
const outFile = args.out ?? join(root, "bench/results", quick ? "quick.tmp.json" : "latest.json");
const log = (s) => process.stderr.write(`${s}\n`);

// --- What is measured ------------------------------------------------------

/** A streaming measure: `kind` is the client's measure, `size` the message size. */
function streaming(kind, title, size, count) {
  const id = `${kind}_${size >= 1024 ? `${size / 1024}k` : size}`;
  const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
  return {
    id,
    kind,
    title: `${title}, ${count} × ${label} msgs`,
    opt: { msgSize: size, streamCount: count },
    metrics: [
      { key: "msgs", unit: "msgs/s", from: (r) => r.opsPerSec },
      { key: "mibps", unit: "MiB/s", from: (r) => r.bytes / r.seconds / MiB },
    ],
  };
}

const MEASURES = [
  {
    id: "unary_seq",
    title: "unary echo, sequential",
    metrics: [
      { key: "calls", unit: "calls/s", from: (r) => r.opsPerSec },
      { key: "p50", unit: "µs p50", from: (r) => r.p50Us, lower: true },
      { key: "p99", unit: "µs p99", from: (r) => r.p99Us, lower: true },
    ],
  },
  {
    id: "unary_conc",
    title: `unary echo, ${cfg.inflight} in flight`,
    metrics: [{ key: "calls", unit: "calls/s", from: (r) => r.opsPerSec }],
  },
  {
    id: "unary_10k",
    kind: "unary_conc",
    title: `unary echo, ${cfg.manyInflight} in flight`,
    opt: { inflight: cfg.manyInflight },
    metrics: [{ key: "calls", unit: "calls/s", from: (r) => r.opsPerSec }],
  },
  { id: "blob", title: "1 MiB echo, sequential", metrics: [{ key: "mibps", unit: "MiB/s", from: (r) => r.bytes / r.seconds / MiB }] },
  streaming("stream", "server streaming", 64, cfg.streamCount),
  streaming("sink", "client streaming", 64, cfg.streamCount),
  streaming("bidi", "bidi echo", 64, cfg.streamCount),
  streaming("stream", "server streaming", 64 * 1024, cfg.bigStreamCount),
  streaming("sink", "client streaming", 64 * 1024, cfg.bigStreamCount),
  streaming("bidi", "bidi echo", 64 * 1024, cfg.bigStreamCount),
];
// Quick mode (CI): one small and one large streaming measure besides the unary ones.
const QUICK_MEASURES = new Set(["unary_seq", "unary_conc", "unary_10k", "blob", "stream_64", "bidi_64", "sink_64k"]);
const measures = quick ? MEASURES.filter((m) => QUICK_MEASURES.has(m.id)) : MEASURES;

/** `server`/`client`: which implementation runs each side. */
const PEERS = [
  { id: "ttrpc-ts", title: "ttrpc-ts", server: "ttrpc-ts", client: "ttrpc-ts" },
  { id: "ceiling", title: "ceiling", server: "ceiling", client: "ceiling" },
  { id: "grpc-js", title: "grpc-js", server: "grpc-js", client: "grpc-js" },
  { id: "go", title: "Go↔Go", server: "go", client: "go", go: true },
  { id: "ts-go", title: "ts→Go srv", server: "go", client: "ttrpc-ts", go: true },
];
/** The peer whose server's memory is reported for each server kind. */
const SERVER_OWNER = { "ttrpc-ts": "ttrpc-ts", ceiling: "ceiling", "grpc-js": "grpc-js", go: "go" };
/** ttrpc-ts is compared with these, per run. */
const REFS = [
  { id: "ceiling", title: "÷ceiling" },
  { id: "grpc-js", title: "÷grpc-js" },
  { id: "go", title: "÷Go pair" },
];

const TARGETS = [
  { text: "sequential unary ≥ 0.9 × ceiling", metric: "unary_seq.calls", ref: "ceiling", min: 0.9 },
  { text: "sequential unary ≥ 3 × grpc-js", metric: "unary_seq.calls", ref: "grpc-js", min: 3 },
  { text: "sequential unary ≥ 0.9 × Go pair", metric: "unary_seq.calls", ref: "go", min: 0.9 },
  { text: "64 in flight ≥ 0.9 × ceiling", metric: "unary_conc.calls", ref: "ceiling", min: 0.9 },
  { text: "64 in flight ≥ 3 × grpc-js", metric: "unary_conc.calls", ref: "grpc-js", min: 3 },
  { text: "64 in flight ≥ 1 × Go pair", metric: "unary_conc.calls", ref: "go", min: 1 },
  { text: "10,000 in flight ≥ 0.9 × ceiling", metric: "unary_10k.calls", ref: "ceiling", min: 0.9 },
  { text: "server streaming 64 B ≥ 1 × Go pair", metric: "stream_64.msgs", ref: "go", min: 1 },
  { text: "client streaming 64 B ≥ 1 × Go pair", metric: "sink_64.msgs", ref: "go", min: 1 },
  { text: "bidi 64 B ≥ 1 × Go pair", metric: "bidi_64.msgs", ref: "go", min: 1 },
  { text: "1 MiB ≥ 0.8 × ceiling", metric: "blob.mibps", ref: "ceiling", min: 0.8 },
  { text: "1 MiB ≥ 3 × grpc-js", metric: "blob.mibps", ref: "grpc-js", min: 3 },
  { text: "1 MiB ≥ 1 × Go pair", metric: "blob.mibps", ref: "go", min: 1 },
  { text: "server RSS overhead, idle ≤ 2 MiB", overhead: "rss.idle", max: 2 * MiB },
  { text: "server RSS overhead, 64-in-flight peak ≤ 5 MiB", overhead: "rss.peak", max: 5 * MiB },
  { text: "import time over @bufbuild/protobuf ≤ 5 ms", imp: "ms", max: 5 },
  { text: "import memory over @bufbuild/protobuf ≤ 2 MiB", imp: "bytes", max: 2 * MiB },
  { text: "installed closure (with @bufbuild/protobuf) ≤ 2.5 MB", closure: true, max: 2.5e6 },
];

// --- Preparation -------------------------------------------------------------

const notes = [];
const failures = [];

function note(s) {
  notes.push(s);
  log(`note: ${s}`);
}

function capture(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** Builds the Go bench peer. Under CI=true it must work. */
function prepareGo() {
  const hasGo = capture("go", ["version"]) !== undefined;
  if (hasGo) {
    const r = spawnSync("bash", [join(root, "interop/go/build.sh")], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) {
      const why = `building the Go bench peer failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`;
      if (ci) throw new Error(`CI=true: ${why}`);
      note(`${why}; the Go peers are skipped`);
      return false;
    }
  }
  if (existsSync(goServerBin) && existsSync(goClientBin)) {
    if (!hasGo) note("no Go toolchain: using the Go bench peer binaries already in interop/go/bin");
    return true;
  }
  const why = "Go is not installed, so the Go ttrpc peers (interop/go) cannot be built";
  if (ci) throw new Error(`CI=true: ${why}`);
  note(`${why}; the Go columns are empty`);
  return false;
}

function machineInfo() {
  const cpus = os.cpus();
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return undefined;
    }
  };
  const goMod = readFileSync(join(root, "interop/go/go.mod"), "utf8");
  const goVersion = capture("go", ["version"]) ?? capture("go", ["version", goServerBin]);
  const commit = capture("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = capture("git", ["status", "--porcelain", "--", "packages/runtime"]);
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    go: goVersion,
    versions: {
      runtime: JSON.parse(readFileSync(join(root, "packages/runtime/package.json"), "utf8")).version,
      "@bufbuild/protobuf": pkg("@bufbuild/protobuf"),
      "@grpc/grpc-js": pkg("@grpc/grpc-js"),
      "github.com/containerd/ttrpc": /containerd\/ttrpc (v\S+)/.exec(goMod)?.[1],
    },
    commit: commit ? `${commit}${dirty ? " (runtime modified)" : ""}` : undefined,
  };
}

// --- Running -----------------------------------------------------------------

async function oneRun(runIndex, peers, sockDir) {
  const result = {};
  for (const p of peers) result[p.id] = {};
  const kinds = [...new Set(peers.map((p) => p.server))];
  const servers = {};
  const sockets = {};
  try {
    for (const k of kinds) {
      sockets[k] = join(sockDir, `r${runIndex}-${k}.sock`);
      try {
        servers[k] = await startServer(k, sockets[k]);
      } catch (e) {
        failures.push({ run: runIndex + 1, peer: k, measure: "server start", error: e.message });
        log(`  run ${runIndex + 1}  ${k} server FAILED to start: ${e.message}`);
      }
    }
    await sleep(cfg.settleMs);
    for (const k of Object.keys(servers)) {
      const owner = SERVER_OWNER[k];
      if (result[owner]) result[owner]["rss.idle"] = readRss(servers[k].pid)?.rss;
    }
    // Rotate the order of the peers from run to run, so none is always first.
    const order = peers.map((_, i) => peers[(i + runIndex) % peers.length]);
    for (const m of measures) {
      for (const p of order) {
        const server = servers[p.server];
        if (!server) continue;
        const owner = SERVER_OWNER[p.server] === p.id;
        const sampling = m.id === "unary_conc" && owner && canReadRss;
        const stop = sampling ? sampleRss(server.pid) : undefined;
        const cpu0 = readCpuUs(server.pid);
        const res = await runClient(p.client, sockets[p.server], m.kind ?? m.id, { ...cfg, ...m.opt });
        const cpu1 = readCpuUs(server.pid);
        if (stop) {
          result[p.id]["rss.peak"] = stop();
          await sleep(cfg.afterMs);
          result[p.id]["rss.after"] = readRss(server.pid)?.rss;
        }
        if (!res.ok) {
          failures.push({ run: runIndex + 1, peer: p.id, measure: m.id, error: res.error });
          log(`  run ${runIndex + 1}  ${m.id.padEnd(10)}  ${p.id.padEnd(8)}  FAILED: ${res.error}`);
          continue;
        }
        for (const mt of m.metrics) result[p.id][`${m.id}.${mt.key}`] = mt.from(res);
        // CPU per op: the client's during the timed run; the server's over the
        // whole client run (connection, warm-up and timed run).
        if (res.cpuUs !== undefined) result[p.id][`${m.id}.cpuClient`] = res.cpuUs / res.ops;
        if (res.allocBytesPerOp !== undefined) result[p.id][`${m.id}.alloc`] = res.allocBytesPerOp;
        if (cpu0 !== undefined && cpu1 !== undefined) result[p.id][`${m.id}.cpuServer`] = (cpu1 - cpu0) / (res.ops + (res.warmOps ?? 0));
        const head = m.metrics[0];
        log(`  run ${runIndex + 1}  ${m.id.padEnd(10)}  ${p.id.padEnd(8)}  ${num(head.from(res)).padStart(7)} ${head.unit}`);
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map(stopServer));
  }
  return result;
}

function measureImports() {
  const samples = { "@ttrpc-ts/runtime": [], "@grpc/grpc-js": [] };
  const specifier = { "@ttrpc-ts/runtime": snapshot.snapshot, "@grpc/grpc-js": "@grpc/grpc-js" };
  for (let i = 0; i < cfg.importRuns; i++) {
    for (const name of Object.keys(samples)) samples[name].push(importCost(specifier[name]));
  }
  const out = {};
  for (const [spec, list] of Object.entries(samples)) {
    out[spec] = {
      ms: summary(list.map((s) => s.ms)),
      cpuMs: summary(list.map((s) => s.cpuMs)),
      bytes: summary(list.map((s) => s.bytes)),
      baseMs: summary(list.map((s) => s.baseMs)),
      baseBytes: summary(list.map((s) => s.baseBytes)),
    };
  }
  return out;
}

function measureGenerated() {
  try {
    return {
      typical: generatedCodeSize("interop/proto/ttrpc/interop/v1/interop.proto"),
      bench: generatedCodeSize("interop/proto/ttrpc/bench/v1/bench.proto"),
    };
  } catch (e) {
    note(`generated code size skipped: protoc-gen-ttrpc-ts could not run (${e.message})`);
    return undefined;
  }
}

// --- Main ---------------------------------------------------------------------

const started = Date.now();
const snapshot = snapshotRuntime();
for (const n of snapshot.notes) note(n);
const runtimeEntry = snapshot.entry;
await prepareSchema();

/** The attack scenario: hostile connections beside a canary client (bench/lib/attack.mjs). */
async function attackScenario() {
  log(`attack: each class of the cost model against a default ttrpc-ts server, beside a canary client${quick ? " (quick)" : ""}`);
  const dir = mkdtempSync(join(os.tmpdir(), "ttrpc-attack-"));
  try {
    return await runAttacks({ dir, quick, log });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.only === "attack") {
  const attack = await attackScenario();
  process.stdout.write(`\n${table(ATTACK_HEADER, attackRows(attack))}\n(memory growth is peak over idle, reported, not asserted)\n`);
  const file = args.out ?? join(root, "bench/results", "attack.tmp.json");
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ date: new Date(started).toISOString(), mode: cfg.mode, runtimeEntry, attack }, null, 2)}\n`);
  log(`wrote ${relative(process.cwd(), file)}`);
  process.exit(0);
} else if (args.only !== undefined) {
  throw new Error(`--only: unknown scenario ${args.only} (known: attack)`);
}
const goOk = prepareGo();
if (!canReadRss) note("/proc is not available: resident memory is not measured");
const machine = machineInfo();
const peers = PEERS.filter((p) => goOk || !p.go);

log(
  `bench (${cfg.mode}): ${cfg.runs} run(s), ${cfg.warmupMs} ms warm-up + ${cfg.durationMs} ms per measurement, peers: ${peers.map((p) => p.id).join(", ")}`,
);
const sockDir = mkdtempSync(join(os.tmpdir(), "ttrpc-bench-"));
const runs = [];
try {
  for (let r = 0; r < cfg.runs; r++) runs.push(await oneRun(r, peers, sockDir));
} finally {
  rmSync(sockDir, { recursive: true, force: true });
}

log("footprint: import cost, installed closures, generated code");
const imports = measureImports();
const closures = { "@ttrpc-ts/runtime": runtimeClosure(snapshot.dir), "@grpc/grpc-js": installedClosure("@grpc/grpc-js") };
const generated = measureGenerated();
const attack = await attackScenario();

// --- Aggregation ----------------------------------------------------------------

const cpuIds = measures.flatMap((m) => [`${m.id}.cpuClient`, `${m.id}.cpuServer`, `${m.id}.alloc`]);
const metricIds = [...measures.flatMap((m) => m.metrics.map((mt) => `${m.id}.${mt.key}`)), ...cpuIds, "rss.idle", "rss.peak", "rss.after"];
const results = {};
for (const p of peers) {
  results[p.id] = {};
  for (const id of metricIds) {
    const s = summary(runs.map((r) => r[p.id]?.[id]));
    if (s) results[p.id][id] = s;
  }
}
/** Per-run ratios of ttrpc-ts to each reference, summarised. */
const ratios = {};
for (const id of metricIds.filter((i) => !i.startsWith("rss.") && !cpuIds.includes(i))) {
  ratios[id] = {};
  for (const ref of REFS) {
    const s = summary(runs.map((r) => r["ttrpc-ts"]?.[id] / r[ref.id]?.[id]));
    if (s) ratios[id][ref.id] = s;
  }
}
/** Per-run RSS overhead over the ceiling (ttrpc-ts and grpc-js servers). */
const overhead = {};
for (const id of ["rss.idle", "rss.peak", "rss.after"]) {
  overhead[id] = {};
  for (const p of ["ttrpc-ts", "grpc-js"]) {
    const s = summary(runs.map((r) => r[p]?.[id] - r.ceiling?.[id]));
    if (s) overhead[id][p] = s;
  }
}

const rt = imports["@ttrpc-ts/runtime"];
const targets = TARGETS.map((t) => {
  let value;
  let shown;
  if (t.metric) {
    value = ratios[t.metric]?.[t.ref]?.median;
    shown = value === undefined ? "–" : `${value.toFixed(2)}×`;
  } else if (t.overhead) {
    value = overhead[t.overhead]?.["ttrpc-ts"]?.median;
    shown = bytes(value);
  } else if (t.imp) {
    value = rt[t.imp]?.median;
    shown = t.imp === "ms" ? `${value?.toFixed(1)} ms` : bytes(value);
  } else if (t.closure) {
    value = closures["@ttrpc-ts/runtime"].bytes;
    shown = megabytes(value);
  }
  const status = value === undefined ? "n/a" : (t.min !== undefined ? value >= t.min : value <= t.max) ? "met" : "MISSED";
  return { target: t.text, value, shown, status };
});

// --- Output ----------------------------------------------------------------------

// One run has no range to show.
const cell = (s, fmt = num) => (!s ? "–" : s.n > 1 ? `${fmt(s.median)}\n(${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median));
const ratioCell = (s) => cell(s, (v) => `${v.toFixed(2)}×`);

const perfRows = [];
for (const m of measures) {
  for (const mt of m.metrics) {
    const id = `${m.id}.${mt.key}`;
    perfRows.push([
      `${m.title}\n  ${mt.unit}${mt.lower ? " (lower is better)" : ""}`,
      ...peers.map((p) => cell(results[p.id][id])),
      ...REFS.map((ref) => ratioCell(ratios[id]?.[ref.id])),
    ]);
  }
}
const perfTable = table(["measurement", ...peers.map((p) => p.title), ...REFS.map((r) => `ts${r.title}`)], perfRows);

/** CPU per op: client + server, and ttrpc-ts's RPC overhead (its total minus the ceiling's), per run. */
const cpuTotal = (r, p, m) => r[p]?.[`${m}.cpuClient`] + r[p]?.[`${m}.cpuServer`];
const cpu = {};
for (const m of measures) {
  cpu[m.id] = {};
  for (const p of peers) {
    const client = results[p.id][`${m.id}.cpuClient`];
    const server = results[p.id][`${m.id}.cpuServer`];
    if (client && server)
      cpu[m.id][p.id] = { client: client.median, server: server.median, total: summary(runs.map((r) => cpuTotal(r, p.id, m.id))) };
  }
  const over = summary(runs.map((r) => cpuTotal(r, "ttrpc-ts", m.id) - cpuTotal(r, "ceiling", m.id)));
  if (over) cpu[m.id].overheadVsCeiling = over;
}
const us = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const perWhat = (m) => (m.id.startsWith("unary") ? "call" : m.id === "blob" ? "round trip" : "message");
const cpuRows = measures.map((m) => [
  `${m.title}\n  per ${perWhat(m)}`,
  ...peers.map((p) => {
    const c = cpu[m.id][p.id];
    return c ? `${us(c.total.median)}\n(${us(c.client)} + ${us(c.server)})` : "–";
  }),
  cpu[m.id].overheadVsCeiling ? cell(cpu[m.id].overheadVsCeiling, (v) => `${v >= 0 ? "+" : ""}${us(v)}`) : "–",
]);
const cpuTable = table(["CPU µs per op: total\n(client + server)", ...peers.map((p) => p.title), "ts − ceiling"], cpuRows);

/** Bytes the client allocates per op, garbage included (Node: heap sampling; Go: MemStats.TotalAlloc). */
const allocRows = measures.map((m) => [
  `${m.title}\n  per ${perWhat(m)}`,
  ...peers.map((p) => cell(results[p.id][`${m.id}.alloc`], (b) => `${Math.round(b)} B`)),
]);
const allocTable = table(["client bytes allocated per op", ...peers.map((p) => p.title)], allocRows);

const memPeers = peers.filter((p) => SERVER_OWNER[p.server] === p.id);
const memRows = [
  ["idle (after start-up)", "rss.idle"],
  [`${cfg.inflight} in flight, peak`, "rss.peak"],
  [`${cfg.afterMs} ms after that load`, "rss.after"],
].map(([title, id]) => [
  title,
  ...memPeers.map((p) => cell(results[p.id][id], (b) => bytes(b))),
  cell(overhead[id]["ttrpc-ts"], (b) => bytes(b)),
  cell(overhead[id]["grpc-js"], (b) => bytes(b)),
]);
const memTable = table(["server resident memory", ...memPeers.map((p) => p.title), "ts − ceiling", "grpc − ceiling"], memRows);

const gi = imports["@grpc/grpc-js"];
const footRows = [
  [
    "import time over @bufbuild/protobuf",
    cell(rt.ms, (v) => `${v.toFixed(1)} ms`),
    cell(gi.ms, (v) => `${v.toFixed(1)} ms`),
    `(@bufbuild/protobuf itself: ${rt.baseMs.median.toFixed(1)} ms)`,
  ],
  [
    "import CPU time over @bufbuild/protobuf",
    cell(rt.cpuMs, (v) => `${v.toFixed(1)} ms`),
    cell(gi.cpuMs, (v) => `${v.toFixed(1)} ms`),
    "(user + system: less inflated by a busy machine than wall time)",
  ],
  [
    "import memory over @bufbuild/protobuf",
    cell(rt.bytes, (b) => bytes(b)),
    cell(gi.bytes, (b) => bytes(b)),
    `(@bufbuild/protobuf itself: ${bytes(rt.baseBytes.median)})`,
  ],
  [
    "installed closure",
    `${megabytes(closures["@ttrpc-ts/runtime"].bytes)}\n${closures["@ttrpc-ts/runtime"].packages} packages`,
    `${megabytes(closures["@grpc/grpc-js"].bytes)}\n${closures["@grpc/grpc-js"].packages} packages`,
    `(runtime alone: ${megabytes(closures["@ttrpc-ts/runtime"].runtimeBytes)}; the rest is its peer @bufbuild/protobuf)`,
  ],
];
if (generated) {
  const g = generated.typical;
  const b = generated.bench;
  footRows.push(
    [
      "generated service code, Interop (9 RPCs)",
      `${bytes(g.service.ts)} .ts\n${bytes(g.service.js)} .js + ${bytes(g.service.dts)} .d.ts`,
      "–",
      `(protoc-gen-es messages: ${bytes(g.messages.ts)} .ts, ${bytes(g.messages.js)} .js)`,
    ],
    [
      "generated service code, Bench (4 RPCs)",
      `${bytes(b.service.ts)} .ts\n${bytes(b.service.js)} .js + ${bytes(b.service.dts)} .d.ts`,
      "–",
      `(protoc-gen-es messages: ${bytes(b.messages.ts)} .ts, ${bytes(b.messages.js)} .js)`,
    ],
  );
} else {
  footRows.push(["generated service code", "skipped", "–", "(protoc-gen-ttrpc-ts could not run; see notes)"]);
}
const footTable = table(["footprint", "ttrpc-ts", "grpc-js", ""], footRows, { align: ["l", "r", "r", "l"] });
const targetTable = table(
  ["target", "ttrpc-ts", ""],
  targets.map((t) => [t.target, t.shown, t.status]),
  { align: ["l", "r", "l"] },
);

const header = [
  `ttrpc-ts benchmark, ${cfg.mode} mode, ${new Date(started).toISOString()}`,
  `machine: ${machine.cpu}, ${machine.cores} cores, ${bytes(machine.memory)}, ${machine.os}`,
  `node ${machine.node}; ${machine.go ?? "no Go"}; @ttrpc-ts/runtime ${machine.versions.runtime} (${runtimeEntry})${machine.commit ? ` at ${machine.commit}` : ""}; ` +
    `@grpc/grpc-js ${machine.versions["@grpc/grpc-js"]}; @bufbuild/protobuf ${machine.versions["@bufbuild/protobuf"]}; containerd/ttrpc ${machine.versions["github.com/containerd/ttrpc"]}`,
  `${cfg.runs} run(s) of ${cfg.warmupMs} ms warm-up + ${cfg.durationMs} ms each; cells: median (min–max); ratios: ttrpc-ts ÷ peer, taken per run`,
  "peers: ceiling = bare node:net, same framing and protobuf-es, no RPC layer; Go↔Go = containerd/ttrpc client and server; ts→Go srv = ttrpc-ts client, Go server",
].join("\n");

const report = [
  header,
  "",
  perfTable,
  "",
  canReadRss ? cpuTable : "CPU time per op: not measured (/proc unavailable)",
  "",
  allocTable,
  "",
  canReadRss ? memTable : "server resident memory: not measured (/proc unavailable)",
  "",
  footTable,
  "",
  targetTable,
  "",
  table(ATTACK_HEADER, attackRows(attack)),
  "(attack: the canary's p99 beside the same canary with no attack; server memory growth is peak over idle, reported, not asserted)",
  ...(notes.length ? ["", ...notes.map((n) => `note: ${n}`)] : []),
  ...(failures.length ? ["", ...failures.map((f) => `FAILED: run ${f.run} ${f.measure} ${f.peer}: ${f.error}`)] : []),
  "",
].join("\n");
process.stdout.write(`\n${report}`);

const json = {
  schema: 1,
  date: new Date(started).toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  mode: cfg.mode,
  config: cfg,
  machine,
  runtimeEntry,
  peers: peers.map(({ id, title, server, client }) => ({ id, title, server, client })),
  units: Object.fromEntries(measures.flatMap((m) => m.metrics.map((mt) => [`${m.id}.${mt.key}`, mt.unit]))),
  results,
  ratios,
  cpuPerOp: cpu,
  rssOverheadVsCeiling: overhead,
  runs,
  imports,
  closures: Object.fromEntries(
    Object.entries(closures).map(([k, c]) => [
      k,
      { bytes: c.bytes, packages: c.packages, list: c.list.map((p) => `${p.name}@${p.version} ${p.bytes}`) },
    ]),
  ),
  generated,
  attack,
  targets,
  notes,
  failures,
};
mkdirSync(join(outFile, ".."), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
log(`wrote ${relative(process.cwd(), outFile)} (${json.seconds} s)`);

if (failures.length > 0) process.exit(1);
const missed = targets.filter((t) => t.status === "MISSED");
if (missed.length > 0) {
  log(`${missed.length} target(s) missed${quick ? " (quick mode: not a failure)" : ""}`);
  if (!quick) process.exit(3);
}
