// The JavaScript outputs run as published code would: in a plain Node.js
// process (no TypeScript loader), against the runtime's built dist, as an
// ES module and as CommonJS.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fixturesDir, repoRoot, requirePrerequisite, run, tempDir } from "./helpers.js";

const runtimeBuilt = () =>
  existsSync(join(repoRoot, "packages/runtime/dist/esm/index.js")) && existsSync(join(repoRoot, "packages/runtime/dist/cjs/index.js"));

// One round trip per kind of RPC; `load` is how the script gets the modules.
function script(load: string, address: string): string {
  return `${load}
(async () => {
  const server = new Server();
  stream.registerItemStore(server, {
    put: (item) => ({}),
    get: (req) => ({ id: req.id }),
    async *list() { yield { id: "1" }; yield { id: "2" }; },
    async putMany(reqs) { let count = 0; for await (const _ of reqs) count++; return { count }; },
    async *sync(reqs) { for await (const item of reqs) yield { ack: { id: item.id } }; },
  });
  await server.listen(${JSON.stringify(address)});
  const conn = await connect(${JSON.stringify(address)});
  const client = stream.createItemStoreClient(conn);
  const out = [];
  out.push((await client.get({ id: "a" })).id);
  for await (const i of client.list({})) out.push(i.id);
  async function* items() { yield { id: "x" }; yield { id: "y" }; }
  out.push((await client.putMany(items())).count);
  for await (const e of client.sync(items())) out.push(e.ack.id);
  conn.close();
  await server.close();
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;
}

const expected = JSON.stringify(["a", "1", "2", 2, "x", "y"]);

test("the ES module JavaScript output runs in plain Node.js", (t) => {
  if (!requirePrerequisite(t, runtimeBuilt(), "the runtime's build (npm run build)")) return;
  const address = join(tempDir(t), "s.sock");
  const load = `import { connect, Server } from "@ttrpc-ts/runtime";
import * as stream from ${JSON.stringify(join(fixturesDir, "gen/esm/fixtures/stream/v1/stream_ttrpc.js"))};`;
  const { stdout } = run(process.execPath, ["--input-type=module", "-e", script(load, address)], { cwd: repoRoot });
  assert.equal(stdout.trim(), expected);
});

test("the CommonJS JavaScript output runs in plain Node.js", (t) => {
  if (!requirePrerequisite(t, runtimeBuilt(), "the runtime's build (npm run build)")) return;
  const address = join(tempDir(t), "s.sock");
  const load = `const { Server, connect } = require("@ttrpc-ts/runtime");
const stream = require(${JSON.stringify(join(fixturesDir, "cjs/gen/fixtures/stream/v1/stream_ttrpc.js"))});`;
  const { stdout } = run(process.execPath, ["--input-type=commonjs", "-e", script(load, address)], { cwd: repoRoot });
  assert.equal(stdout.trim(), expected);
});
