// The canary: one well-behaved client making sequential unary calls for
// `durationMs`, printing its latency percentiles as JSON.
// `node attack-canary.mjs <socket> <durationMs>`.
import { loadSchema, smallInit } from "./schema.mjs";

const [socket, durationMs] = process.argv.slice(2);
const impl = await import("./peers/ttrpc-ts.mjs");
const schema = await loadSchema();
const { create } = await import("@bufbuild/protobuf");
const client = await impl.connect(socket, schema);
const msg = create(schema.SmallSchema, smallInit());
const lat = [];
let failed = 0;
const end = performance.now() + Number(durationMs);
while (performance.now() < end) {
  const t0 = performance.now();
  try {
    await client.echo(msg);
  } catch {
    failed++;
  }
  lat.push(performance.now() - t0);
}
client.close();
lat.sort((a, b) => a - b);
const at = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? 0;
process.stdout.write(`${JSON.stringify({ calls: lat.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: lat.at(-1) ?? 0 })}\n`);
process.exit(0);
