// TypeScript client → Go server (real containerd/ttrpc v1.2.x).

import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { clientCases } from "./client-cases.js";
import { goPeerUnavailable, startGoServer, stopGoServer, tempSocketDir } from "./go-peer.js";

const unavailable = goPeerUnavailable();

describe("TS client → Go server", { skip: unavailable }, () => {
  const tmp = tempSocketDir();
  const socket = join(tmp.dir, "go.sock");
  let server: ChildProcess | undefined;

  before(async () => {
    server = await startGoServer(socket);
  });
  after(async () => {
    if (server) await stopGoServer(server);
    tmp.cleanup();
  });

  for (const c of clientCases) {
    it(c.name, async () => {
      // response_over_limit makes the Go server drop that connection only.
      await c.run(socket, "go");
    });
  }
});
