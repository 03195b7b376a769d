// Go client (real containerd/ttrpc v1.2.x) → TypeScript server.
// Every case of interop/go's client runs as one subtest and must pass.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Server } from "@ttrpc-ts/runtime";
import { type GoCaseResult, goClientCases, goPeerUnavailable, runGoClient, tempSocketDir } from "./go-peer.js";
import { registerInteropServices } from "./services.js";

const unavailable = goPeerUnavailable();

describe("Go client → TS server", { skip: unavailable }, () => {
  const tmp = tempSocketDir();
  const socket = join(tmp.dir, "ts.sock");
  const server = new Server();
  let results = new Map<string, GoCaseResult>();

  before(async () => {
    registerInteropServices(server);
    await server.listen(socket);
    const all = await runGoClient(socket, ["all"]);
    results = new Map(all.map((r) => [r.case, r]));
  });

  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  for (const name of unavailable ? [] : goClientCases()) {
    it(name, () => {
      const r = results.get(name);
      assert.ok(r, `no result for ${name}`);
      assert.equal(r.ok, true, `${name}: ${r.error}${r.note ? ` (${r.note})` : ""}`);
    });
  }

  it("1,000 simultaneous Go dials all connect and get an answer (default backlog: somaxconn)", async (t) => {
    const burst = async (backlog: number | undefined): Promise<GoCaseResult | undefined> => {
      const s = new Server();
      registerInteropServices(s);
      const path = join(tmp.dir, `burst-${backlog ?? "default"}.sock`);
      await s.listen(path, backlog === undefined ? {} : { backlog });
      try {
        return (await runGoClient(path, ["dials_1000_at_once"]))[0];
      } finally {
        await s.close();
      }
    };
    const r = await burst(undefined);
    assert.ok(r, "no result");
    t.diagnostic(`default backlog: ${r.note ?? ""} ${r.error}`);
    assert.equal(r.ok, true, `${r.error} (${r.note ?? ""})`);
    assert.equal(r.note, "dials=1000 connected=1000 calls_ok=1000");
    // For comparison only (timing-dependent, not asserted): Node's old default.
    const small = await burst(511);
    t.diagnostic(`backlog 511: ${small?.note ?? ""}`);
  });

  // libuv before 1.48 (Node 20) binds abstract names padded to 108 bytes,
  // so Go (exact length) cannot reach them; fixed in libuv 1.48 (Node 22).
  const [major = 0, minor = 0] = (process.versions.uv ?? "0.0").split(".").map(Number);
  const exactAbstract = major > 1 || (major === 1 && minor >= 48);
  it("abstract socket address (@name) reachable by Go", {
    skip: exactAbstract ? false : `libuv ${process.versions.uv} pads abstract socket names (fixed in libuv 1.48 / Node 22)`,
  }, async () => {
    const abstract = new Server();
    registerInteropServices(abstract);
    const name = `@ttrpc-ts-interop-${process.pid}`;
    await abstract.listen(name);
    try {
      const r = await runGoClient(name, ["echo_scalars", "stream_echo"]);
      assert.deepEqual(
        r.map((x) => [x.case, x.ok, x.error]),
        [
          ["echo_scalars", true, ""],
          ["stream_echo", true, ""],
        ],
      );
    } finally {
      await abstract.close();
    }
  });
});
