// One benchmark client process:
//   node bench/lib/client.mjs <peer> <socket> <measure> <json options>
// peer = ttrpc-ts | ceiling | grpc-js; measure = unary_seq | unary_conc |
// blob | stream | bidi | sink (see interop/go/cmd/ttrpc-bench-client, which takes
// the same measures and prints the same JSON). Runs `warmupMs` untimed, then
// `durationMs` timed, and prints one JSON object on stdout.
import { create } from "@bufbuild/protobuf";
import { loadSchema, smallInit } from "./schema.mjs";

const [peer, socket, measure, json] = process.argv.slice(2);
const opt = {
  warmupMs: 500,
  durationMs: 2000,
  inflight: 64,
  blobSize: 1 << 20,
  streamCount: 1000,
  msgSize: 1024,
  ...JSON.parse(json ?? "{}"),
};

const impl = await import(`./peers/${peer}.mjs`);
const schema = await loadSchema();
const c = await impl.connect(socket, schema);
const now = () => performance.now();

/** One unit of work → [ops, bytes]. */
let op;
let workers = 1;
const latency = measure === "unary_seq";
switch (measure) {
  case "unary_seq":
  case "unary_conc": {
    const req = create(schema.SmallSchema, smallInit());
    op = async () => {
      await c.echo(req);
      return 1;
    };
    if (measure === "unary_conc") workers = opt.inflight;
    break;
  }
  case "blob": {
    const req = create(schema.BlobSchema, { data: new Uint8Array(opt.blobSize) });
    op = async () => {
      const res = await c.echoBlob(req);
      if (res.data.length !== opt.blobSize) throw new Error(`echoed ${res.data.length} bytes, sent ${opt.blobSize}`);
      return 1;
    };
    break;
  }
  case "stream": {
    const req = create(schema.StreamRequestSchema, { count: opt.streamCount, size: opt.msgSize });
    op = async () => {
      let n = 0;
      await c.stream(req, (m) => {
        n++;
        if (m.data.length !== opt.msgSize) throw new Error(`message of ${m.data.length} bytes`);
      });
      if (n !== opt.streamCount) throw new Error(`stream ended after ${n} of ${opt.streamCount} messages`);
      return n;
    };
    break;
  }
  case "bidi": {
    const msg = create(schema.BlobSchema, { data: new Uint8Array(opt.msgSize) });
    op = async () => {
      let n = 0;
      await c.bidi(opt.streamCount, msg, (m) => {
        n++;
        if (m.data.length !== opt.msgSize) throw new Error(`message of ${m.data.length} bytes`);
      });
      if (n !== opt.streamCount) throw new Error(`bidi ended after ${n} of ${opt.streamCount} messages`);
      return n;
    };
    break;
  }
  case "sink": {
    const msg = create(schema.BlobSchema, { data: new Uint8Array(opt.msgSize) });
    op = async () => {
      const res = await c.sink(opt.streamCount, msg);
      if (res.count !== opt.streamCount || res.size !== opt.msgSize) {
        throw new Error(`sink counted ${res.count} messages of ${res.size} bytes, sent ${opt.streamCount} of ${opt.msgSize}`);
      }
      return opt.streamCount;
    };
    break;
  }
  default:
    throw new Error(`unknown measure ${measure}`);
}
const bytesPerOp = measure === "blob" ? opt.blobSize : measure === "stream" || measure === "bidi" || measure === "sink" ? opt.msgSize : 0;

async function loop(ms, lat) {
  const start = now();
  const end = start + ms;
  let ops = 0;
  const worker = async () => {
    while (now() < end) {
      // (Not `ops += await op()`: that would read `ops` before the await.)
      if (lat) {
        const t0 = now();
        const n = await op();
        lat.push(now() - t0);
        ops += n;
      } else {
        const n = await op();
        ops += n;
      }
    }
  };
  const ws = [];
  for (let i = 0; i < workers; i++) ws.push(worker());
  await Promise.all(ws);
  return { ops, seconds: (now() - start) / 1000 };
}

/** Nearest-rank percentile of sorted values (ms) in µs; the Go client uses the same rule. */
function percentileUs(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1));
  return sorted[i] * 1000;
}

const cpuUs = (u) => u.user + u.system;

/**
 * Bytes this process allocates per op, garbage included: V8's sampling heap
 * profiler (every ~128 bytes, keeping samples of objects already collected)
 * over `ms` of the same loop, after the timed run. The sampler slows the
 * process, so this runs apart from the timed figures.
 */
async function allocatedPerOp(ms) {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  try {
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const { ops } = await loop(ms, undefined);
    const { profile } = await session.post("HeapProfiler.stopSampling");
    let total = 0;
    const byFunction = new Map();
    const walk = (node) => {
      total += node.selfSize;
      const f = node.callFrame;
      const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    // BENCH_ALLOC_TOP=n: where the bytes come from, on stderr.
    const top = Number(process.env.BENCH_ALLOC_TOP ?? 0);
    for (const [key, b] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, top)) {
      process.stderr.write(`${(b / ops).toFixed(0).padStart(6)} B/op  ${key}\n`);
    }
    return total / ops;
  } finally {
    session.disconnect();
  }
}

let result;
try {
  const warm = await loop(opt.warmupMs, undefined);
  const lat = latency ? [] : undefined;
  const cpu0 = process.cpuUsage();
  const { ops, seconds } = await loop(opt.durationMs, lat);
  const cpu = cpuUs(process.cpuUsage(cpu0));
  result = { ok: true, measure, seconds, ops, opsPerSec: ops / seconds, bytes: ops * bytesPerOp, warmOps: warm.ops, cpuUs: cpu };
  if (lat && lat.length > 0) {
    lat.sort((a, b) => a - b);
    result.p50Us = percentileUs(lat, 0.5);
    result.p99Us = percentileUs(lat, 0.99);
  }
} catch (e) {
  result = { ok: false, measure, error: e instanceof Error ? e.message : String(e) };
}
if (result.ok && opt.allocMs > 0) {
  try {
    result.allocBytesPerOp = await allocatedPerOp(opt.allocMs);
  } catch (e) {
    result.allocError = e instanceof Error ? e.message : String(e);
  }
}
c.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.ok ? 0 : 1);
