// The multiplexer's frame layout checked live against NRI's Go side: a
// github.com/containerd/ttrpc client over github.com/containerd/nri's
// multiplexer (interop/go/cmd/nri-mux-vectors) sends requests of sizes
// around the 4096-byte edge and at the 4 MiB limit; our splitter must cut
// messages of the same lengths into the same frames.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { encodeMuxHeader, RUNTIME_SERVICE_CONN, TtrpcMessageSplitter } from "../src/multiplex/index.js";
import { needGoPeers, nriMuxVectorsBin } from "./go-nri-peer.js";

interface Vector {
  payload: number;
  message: number;
  header: string;
  frames: number[];
  ids: number[];
}

test("Go's NRI multiplexer frames ttrpc messages exactly as TtrpcMessageSplitter does", (t) => {
  if (!needGoPeers(t)) return;
  const vectors = JSON.parse(execFileSync(nriMuxVectorsBin, { encoding: "utf8", maxBuffer: 1 << 20 })) as Vector[];
  assert.ok(vectors.length >= 8);
  assert.ok(vectors.some((v) => v.message === 4096) && vectors.some((v) => v.message === 4097));
  for (const v of vectors) {
    assert.equal(v.message, v.payload + 10);
    assert.deepEqual(new Set(v.ids), new Set([RUNTIME_SERVICE_CONN]));
    assert.equal(encodeMuxHeader(RUNTIME_SERVICE_CONN, v.frames[0]!).toString("hex"), v.header);
    const msg = Buffer.alloc(v.message);
    msg.writeUInt32BE(v.payload, 0);
    const ours = new TtrpcMessageSplitter().push(msg).map((f) => f.length);
    assert.deepEqual(ours, v.frames, `message of ${v.message} bytes`);
  }
});
