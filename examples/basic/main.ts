// A ttrpc server and client in one program, over a unix socket in a
// temporary directory: one call of each kind through the generated client.
//
//   npm run demo           (regenerates ./gen first; see scripts/demo.mjs)
//   node --import tsx examples/basic/main.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, Server } from "@ttrpc-ts/runtime";
import { createGreeterClient, registerGreeter } from "./gen/example/v1/greeter_ttrpc.js";
import { greeter } from "./greeter.js";

async function* names(...list: string[]) {
  for (const name of list) yield { name };
}

const dir = mkdtempSync(join(tmpdir(), "ttrpc-example-"));
const address = join(dir, "greeter.sock");
const server = new Server();
try {
  registerGreeter(server, greeter);
  await server.listen(address);
  console.log(`server: listening on ${address}`);

  const connection = await connect(address);
  const client = createGreeterClient(connection);

  const reply = await client.sayHello({ name: "Ada" }, { metadata: { "x-caller": "main.ts" }, timeoutMs: 1000 });
  console.log(`unary SayHello: ${reply.message}`);

  for await (const r of client.sayHelloRepeatedly({ name: "Grace", count: 3 }))
    console.log(`server stream SayHelloRepeatedly: ${r.message}`);

  const all = await client.sayHelloToAll(names("Alan", "Barbara", "Edsger"));
  console.log(`client stream SayHelloToAll: ${all.message}`);

  for await (const r of client.chat(names("Ken", "Dennis"))) console.log(`bidi stream Chat: ${r.message}`);

  connection.close();
  console.log("client: done");
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log("ok");
