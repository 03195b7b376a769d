import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { connect, Server } from "@ttrpc-ts/runtime";
import { unpackEvent } from "./envelope.js";
import { connectEventPublisher, createEventPublisher } from "./event-publisher.js";
import { TaskExitSchema } from "./gen/events/task_pb.js";
import { registerEvents } from "./gen/services/ttrpc/events/v1/events_ttrpc.js";
import type { Envelope } from "./gen/types/event_pb.js";
import { NAMESPACE_METADATA_KEY } from "./namespace.js";

// A TypeScript stand-in for containerd's ttrpc Events service.
const received: Array<{ envelope: Envelope | undefined; namespace: string | undefined }> = [];
const dir = mkdtempSync(join(tmpdir(), "ttrpc-ts-events-"));
const address = join(dir, "events.sock");
const server = new Server();
registerEvents(server, {
  forward(request, context) {
    received.push({ envelope: request.envelope, namespace: context.metadata.get(NAMESPACE_METADATA_KEY) });
    return {};
  },
});
before(() => server.listen(address));
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("publish forwards an envelope with the namespace in it and in the metadata", async () => {
  received.length = 0;
  const connection = await connect(address);
  const publisher = createEventPublisher(connection, "k8s.io");
  await publisher.publish("/tasks/exit", TaskExitSchema, { containerId: "c1", exitStatus: 2 });
  publisher.close();
  // The connection was the caller's: it stays open.
  await createEventPublisher(connection, "k8s.io").publish("/tasks/exit", TaskExitSchema, { containerId: "c2" });
  connection.close();
  assert.equal(received.length, 2);
  const [first] = received;
  assert.equal(first?.namespace, "k8s.io");
  assert.equal(first?.envelope?.namespace, "k8s.io");
  assert.equal(first?.envelope?.topic, "/tasks/exit");
  assert.equal(unpackEvent(first?.envelope ?? assert.fail(), TaskExitSchema)?.exitStatus, 2);
});

test("connectEventPublisher defaults to TTRPC_ADDRESS and NAMESPACE, as containerd sets them for shims", async (t) => {
  received.length = 0;
  t.after(() => {
    delete process.env.TTRPC_ADDRESS;
    delete process.env.NAMESPACE;
  });
  process.env.TTRPC_ADDRESS = address;
  process.env.NAMESPACE = "from-env";
  const publisher = await connectEventPublisher();
  assert.equal(publisher.namespace, "from-env");
  await publisher.publish("/x", TaskExitSchema, {});
  publisher.close();
  await assert.rejects(publisher.publish("/x", TaskExitSchema, {}), /clos/i);
  assert.deepEqual(
    received.map((r) => r.namespace),
    ["from-env"],
  );
});

test("missing or bad publisher settings get specific errors", async () => {
  delete process.env.TTRPC_ADDRESS;
  delete process.env.NAMESPACE;
  await assert.rejects(connectEventPublisher({ namespace: "n" }), /no events address: pass `address` or set TTRPC_ADDRESS/);
  await assert.rejects(connectEventPublisher({ address }), /no namespace: pass `namespace` or set NAMESPACE/);
  await assert.rejects(connectEventPublisher({ address, namespace: "a b" }), /namespace "a b" is invalid/);
  const connection = await connect(address);
  try {
    const publisher = createEventPublisher(connection, "n");
    await assert.rejects(publisher.publish("no-slash", TaskExitSchema, {}), /must start with '\/'/);
  } finally {
    connection.close();
  }
});
