// The soak server, in its own process (started by soak.ts with an IPC
// channel, and with --expose-gc so that "after" is measured after a full
// collection). Samples its own RSS every 20 ms to know the peak.
import { Server } from "@ttrpc-ts/runtime";
import { type Item, item, SoakService } from "./soak-service.js";

const path = process.argv[2];
if (path === undefined || process.send === undefined) throw new Error("usage: fork server.ts <socket path> with an IPC channel");
const send = process.send.bind(process);
const problems: string[] = [];
process.on("unhandledRejection", (e) => problems.push(String(e)));
process.on("uncaughtException", (e) => problems.push(String(e)));

let handled = 0;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

const server = new Server();
server.register(SoakService, {
  call(req: Item) {
    handled++;
    return req;
  },
  async *stream(req: Item) {
    handled++;
    for (let seq = 1; seq <= req.count; seq++) yield item({ id: req.id, seq, data: req.data });
  },
  async *chat(reqs: AsyncIterable<Item>) {
    handled++;
    for await (const r of reqs) yield r;
  },
});
await server.listen(path);

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

process.on("message", (m: unknown) => {
  const cmd = (m as { cmd?: string }).cmd;
  if (cmd === "mem") {
    if ((m as { gc?: boolean }).gc) gc();
    const rss = process.memoryUsage().rss;
    if ((m as { resetPeak?: boolean }).resetPeak) peak = rss;
    send({ mem: { rss, peak: Math.max(peak, rss), heap: process.memoryUsage().heapUsed } });
  } else if (cmd === "stats") {
    send({ stats: { handled, activeCalls: server.activeCalls, connections: server.connectionCount, problems } });
  } else if (cmd === "stop") {
    clearInterval(sampler);
    void server.shutdown({ timeoutMs: 2000 }).then(() => process.exit(0));
  }
});
send({ ready: true });
