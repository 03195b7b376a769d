#!/usr/bin/env node
// CPU profiles of one peer's server and client under one measurement, and a
// summary of where the time goes (self time per function, and per area:
// runtime, protobuf-es, Node internals, GC).
//
//   node bench/profile.mjs [--peer ttrpc-ts|ceiling|grpc-js] [--measure unary_seq] [--duration 3000] [--top 25]
//
// The ttrpc-ts peer runs a snapshot of packages/runtime/dist, or, to try a
// change without rebuilding, whatever TTRPC_BENCH_RUNTIME names (a file: URL
// of some copy's dist/esm/index.js).
//
// The raw .cpuprofile files are kept under bench/results/profiles/ (open them
// in Chrome DevTools or VS Code); they are not meant to be committed.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { runClient, sleep, startServer, stopServer } from "./lib/procs.mjs";
import { snapshotRuntime } from "./lib/runtime-snapshot.mjs";
import { prepareSchema, root } from "./lib/schema.mjs";

const { values: args } = parseArgs({
  options: {
    peer: { type: "string", default: "ttrpc-ts" },
    measure: { type: "string", default: "unary_seq" },
    duration: { type: "string", default: "3000" },
    warmup: { type: "string", default: "500" },
    top: { type: "string", default: "25" },
  },
});

const outDir = join(root, "bench/results/profiles", `${args.peer}-${args.measure}`);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

snapshotRuntime();
await prepareSchema();
const opt = {
  warmupMs: Number(args.warmup),
  durationMs: Number(args.duration),
  inflight: 64,
  blobSize: 1 << 20,
  streamCount: 1000,
  msgSize: 1024,
};
const sockDir = join(os.tmpdir(), `ttrpc-bench-prof-${process.pid}`);
mkdirSync(sockDir, { recursive: true });
const socket = join(sockDir, "s.sock");
const prof = (name) => ["--cpu-prof", "--cpu-prof-dir", outDir, "--cpu-prof-name", `${name}.cpuprofile`];
const server = await startServer(args.peer, socket, { nodeArgs: prof("server") });
let res;
try {
  res = await runClient(args.peer, socket, args.measure, opt, { nodeArgs: prof("client") });
} finally {
  await stopServer(server);
  rmSync(sockDir, { recursive: true, force: true });
}
await sleep(200);
process.stdout.write(`${args.peer} ${args.measure}: ${JSON.stringify(res)}\n`);

const top = Number(args.top);
for (const file of readdirSync(outDir).filter((f) => f.endsWith(".cpuprofile"))) {
  summarise(join(outDir, file));
}

function area(url, name) {
  if (name === "(garbage collector)") return "GC";
  if (name === "(idle)" || name === "(program)" || name === "(root)") return name;
  if (/\/ttrpc-bench\/[^/]+\/dist\//.test(url) || url.includes("/packages/runtime/")) return "ttrpc-ts runtime";
  if (url.includes("@bufbuild/protobuf")) return "protobuf-es";
  if (url.includes("@grpc/")) return "grpc-js";
  if (url.includes("/bench/")) return "bench harness";
  if (url.startsWith("node:")) return "node internals";
  if (url === "") return "native/builtins";
  return "other";
}

function shortUrl(url) {
  const m = /ttrpc-bench\/[^/]+\/dist\/esm\/(.*)$/.exec(url);
  if (m) return `runtime:${m[1]}`;
  const p = /@bufbuild\/protobuf\/dist\/esm\/(.*)$/.exec(url);
  if (p) return `protobuf:${p[1]}`;
  return url.replace(`file://${root}/`, "");
}

function summarise(path) {
  const p = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
  }
  const fns = new Map();
  const areas = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const name = cf.functionName || "(anonymous)";
    const key = `${name}  ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    const a = area(cf.url, name);
    areas.set(a, (areas.get(a) ?? 0) + t);
  }
  const busy = total - (areas.get("(idle)") ?? 0);
  const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
  // Ops during warm-up and the timed run, at the timed rate: a per-op cost
  // that includes start-up, so a slight over-estimate.
  const ops = res.ok ? res.opsPerSec * ((opt.warmupMs + opt.durationMs) / 1000) : 0;
  const perOp = ops > 0 ? `, ≈${(busy / ops).toFixed(2)} µs busy per op` : "";
  process.stdout.write(
    `\n== ${basename(path)}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy${perOp} (percentages of busy time)\n`,
  );
  for (const [a, t] of [...areas].filter(([a]) => a !== "(idle)").sort((x, y) => y[1] - x[1])) {
    process.stdout.write(`  ${pct(t)}  ${a}\n`);
  }
  process.stdout.write(`  top ${top} functions by self time:\n`);
  for (const [k, t] of [...fns]
    .filter(([k]) => !k.startsWith("(idle)"))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    process.stdout.write(`  ${pct(t)}  ${k}\n`);
  }
}
