// A test server in its own process: `node ... server-child.ts <socket path>`.
// Prints "ready <pid>" once listening; shuts down gracefully on SIGTERM.
import { Server } from "@ttrpc-ts/runtime";
import { TestService, testImpl } from "./test-service.js";

const path = process.argv[2];
if (path === undefined) throw new Error("usage: server-child.ts <socket path>");
const server = new Server();
server.register(TestService, testImpl());
await server.listen(path);
process.stdout.write(`ready ${process.pid}\n`);
process.once("SIGTERM", () => {
  void server.shutdown({ timeoutMs: 1000 }).then(() => process.exit(0));
});
