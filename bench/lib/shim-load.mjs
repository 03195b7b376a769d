// A shim-like load on one server, for bench/memory-profile.mjs:
//   node bench/lib/shim-load.mjs <socket> <json options>
// `connections` connections, each making sequential small unary calls
// (Echo, every reply checked), and on the first connection a short server
// stream (10 × 1 KiB) every 250 ms and a short bidi stream every second.
// Prints one JSON object: calls, calls/s, streams, and ok=false with the
// error if anything went wrong.
import { create } from "@bufbuild/protobuf";
import { loadSchema, smallInit } from "./schema.mjs";

const [socket, json] = process.argv.slice(2);
const opt = { durationMs: 3000, connections: 3, ...JSON.parse(json ?? "{}") };
const schema = await loadSchema();
const impl = await import("./peers/ttrpc-ts.mjs");
const clients = [];
for (let i = 0; i < opt.connections; i++) clients.push(await impl.connect(socket, schema));

const req = create(schema.SmallSchema, smallInit());
const end = performance.now() + opt.durationMs;
let calls = 0;
let streams = 0;

async function unaryLoop(c) {
  while (performance.now() < end) {
    const res = await c.echo(req);
    if (res.text !== req.text || res.blob.length !== req.blob.length) throw new Error("echo returned a different message");
    calls++;
  }
}

async function streamLoop(c) {
  const sreq = create(schema.StreamRequestSchema, { count: 10, size: 1024 });
  const msg = create(schema.BlobSchema, { data: new Uint8Array(1024) });
  let tick = 0;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    let n = 0;
    await c.stream(sreq, () => n++);
    if (n !== 10) throw new Error(`stream ended after ${n} of 10 messages`);
    if (++tick % 4 === 0) {
      n = 0;
      await c.bidi(10, msg, () => n++);
      if (n !== 10) throw new Error(`bidi ended after ${n} of 10 messages`);
    }
    streams++;
  }
}

let result;
const start = performance.now();
try {
  await Promise.all([...clients.map(unaryLoop), streamLoop(clients[0])]);
  const seconds = (performance.now() - start) / 1000;
  result = { ok: true, calls, callsPerSec: calls / seconds, streams, seconds };
} catch (e) {
  result = { ok: false, error: e instanceof Error ? e.message : String(e), calls, streams };
}
for (const c of clients) c.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.ok ? 0 : 1);
