// TypeScript client → TypeScript server: the same cases as against Go.
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Server } from "@ttrpc-ts/runtime";
import { clientCases } from "./client-cases.js";
import { tempSocketDir } from "./go-peer.js";
import { registerInteropServices } from "./services.js";

describe("TS client → TS server", () => {
  const tmp = tempSocketDir();
  const socket = join(tmp.dir, "ts.sock");
  const server = new Server();

  before(async () => {
    registerInteropServices(server);
    await server.listen(socket);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  for (const c of clientCases) it(c.name, () => c.run(socket, "ts"));

  it("abstract socket (@name) between two Node processes' sockets", async () => {
    const s = new Server();
    registerInteropServices(s);
    const name = `@ttrpc-ts-node-${process.pid}`;
    await s.listen(name);
    try {
      const echo = clientCases.find((c) => c.name === "stream_echo");
      await echo?.run(name, "ts");
    } finally {
      await s.close();
    }
  });
});
