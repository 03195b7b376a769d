// The server under fuzz, in its own process so that a crash or a blocked
// event loop is seen (and survived) by the test. Started with an IPC
// channel; prints nothing. Messages: "stats" -> ServerStats, "close" ->
// closes the server and exits.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Server } from "@ttrpc-ts/runtime";
import { TestService, testImpl } from "../test-service.js";
import { StreamingService, streamingImpl } from "./streaming-service.js";

/** What the fuzz server reports. */
export interface ServerStats {
  connections: number;
  activeCalls: number;
  rss: number;
  /** Bytes of received stream messages held unread, over all connections. */
  bufferedBytes: number;
  /** Longest event-loop delay seen so far, in ms (reported, not asserted). */
  maxLoopDelayMs: number;
  /** Unhandled rejections and uncaught exceptions seen so far. */
  problems: string[];
}

const problems: string[] = [];
process.on("unhandledRejection", (e) => problems.push(`unhandledRejection: ${e instanceof Error ? e.stack : String(e)}`));
process.on("uncaughtException", (e) => problems.push(`uncaughtException: ${e.stack ?? String(e)}`));

const path = process.argv[2];
if (path === undefined || process.send === undefined) throw new Error("usage: fork fuzz-server.ts <socket path> with an IPC channel");
const send = process.send.bind(process);
const server = new Server({ maxMessageSize: 64 * 1024, streamBufferTimeoutMs: 300 });
server.register(TestService, testImpl());
server.register(StreamingService, streamingImpl);
await server.listen(path);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
process.on("message", (m: unknown) => {
  if (m === "stats") {
    const stats: ServerStats = {
      connections: server.connectionCount,
      activeCalls: server.activeCalls,
      rss: process.memoryUsage().rss,
      bufferedBytes: server.bufferedBytes,
      maxLoopDelayMs: loop.max / 1e6,
      problems,
    };
    send({ stats });
  } else if (m === "close") {
    void server.close().then(() => process.exit(0));
  }
});
send("ready");
