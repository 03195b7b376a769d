import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openNriSocket } from "./socket.js";

const dir = mkdtempSync(join(tmpdir(), "nri-socket-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("openNriSocket dials the socket path when nothing is inherited", async () => {
  const path = join(dir, "nri.sock");
  const server = net.createServer((s) => s.end("hi"));
  await new Promise<void>((r) => server.listen(path, r));
  const s = await openNriSocket({ socketPath: path, env: {} });
  const got: Buffer[] = [];
  for await (const c of s) got.push(c as Buffer);
  assert.equal(Buffer.concat(got).toString(), "hi");
  server.close();
});

test("openNriSocket: clear errors for a missing socket and a bad NRI_PLUGIN_SOCKET", async () => {
  await assert.rejects(
    openNriSocket({ socketPath: join(dir, "none.sock"), env: {} }),
    /failed to connect to NRI service at .*none\.sock: no such socket/,
  );
  await assert.rejects(
    openNriSocket({ env: { NRI_PLUGIN_SOCKET: "three" } }),
    /invalid socket in environment \(NRI_PLUGIN_SOCKET="three"\): not a file descriptor number/,
  );
  const file = join(dir, "plain");
  const fd = openSync(file, "w");
  try {
    await assert.rejects(
      openNriSocket({ env: { NRI_PLUGIN_SOCKET: String(fd) } }),
      new RegExp(`invalid socket \\(${fd}\\) in environment`),
    );
  } finally {
    closeSync(fd);
  }
});
