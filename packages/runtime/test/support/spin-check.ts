// Run as a child process: `spin-check.ts server|client`. Destroys a socket
// while a stream is about to write in a loop, then checks that the event
// loop still turns (prints "alive"). A writer that spins in microtasks on a
// destroyed-but-not-yet-closed socket would block this process for good.

import { mkdtempSync } from "node:fs";
import type * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type IncomingConnection, Server } from "@ttrpc-ts/runtime";
import { type Msg, msg, TestMethods, TestService } from "./test-service.js";

const side = process.argv[2];
let open: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  open = resolve;
});
const sockets: net.Socket[] = [];
const server = new Server({
  onConnection: (c: IncomingConnection) => {
    sockets.push(c.socket);
    return true;
  },
});
server.register(TestService, {
  async *ticks() {
    yield msg({ seq: 1 });
    await gate;
    // A stream that produces as fast as it can, without awaiting anything else.
    for (let i = 2; ; i++) yield msg({ seq: i });
  },
  async sum(reqs: AsyncIterable<Msg>) {
    for await (const _ of reqs);
    return msg();
  },
});
const path = join(mkdtempSync(join(tmpdir(), "ttrpc-spin-")), "s.sock");
await server.listen(path);
const client = await connect(path);
if (side === "server") {
  const it = client.serverStream<Msg, Msg>(TestMethods.ticks, msg())[Symbol.asyncIterator]();
  await it.next();
  // Destroyed now, 'close' comes later: the handler resumes in between.
  sockets[0]?.destroy();
  open();
} else {
  let first = true;
  const requests = async function* (): AsyncIterable<Msg> {
    for (;;) {
      if (first) {
        first = false;
        yield msg();
        await gate;
      }
      yield msg({ id: 1 });
    }
  };
  void client.clientStream(TestMethods.sum, requests()).catch(() => {});
  await new Promise((r) => setTimeout(r, 50));
  // The client's own socket is destroyed; its request pump resumes before 'close'.
  (client as unknown as { close(): void }).close();
  open();
}
setTimeout(() => {
  process.stdout.write("alive\n");
  process.exit(0);
}, 300);
