// The server under attack: the ttrpc-ts bench server with default options,
// in its own process, answering "stats" over IPC with its memory and the
// longest event-loop delay since the last "reset". `node attack-server.mjs <socket>`.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadSchema } from "./schema.mjs";

const [socket] = process.argv.slice(2);
const impl = await import("./peers/ttrpc-ts.mjs");
const server = await impl.serve(socket, await loadSchema());
let loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on("message", (m) => {
  if (m === "reset") {
    loop.disable();
    loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    process.send({ reset: true });
  } else if (m === "stats") {
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.send({ stats: { rss, heap: heapUsed, external: external + arrayBuffers, maxLoopMs: loop.max / 1e6 } });
  } else if (m === "close") {
    void server.close();
    setTimeout(() => process.exit(0), 200).unref();
  }
});
process.send("ready");
