import assert from "node:assert/strict";
import { test } from "node:test";
import { create, createRegistry } from "@bufbuild/protobuf";
import { AnySchema, timestampDate } from "@bufbuild/protobuf/wkt";
import { createEnvelope, unpackEvent, validateTopic } from "./envelope.js";
import { TaskExitSchema, TaskOOMSchema } from "./gen/events/task_pb.js";
import { ConnectRequestSchema } from "./gen/runtime/task/v3/shim_pb.js";
import { EnvelopeSchema } from "./gen/types/event_pb.js";

test("createEnvelope packs the event under its bare type name, as containerd's typeurl does", () => {
  const at = new Date("2024-01-02T03:04:05.006Z");
  const e = createEnvelope({
    namespace: "default",
    topic: "/tasks/exit",
    schema: TaskExitSchema,
    event: { containerId: "c1", exitStatus: 7 },
    timestamp: at,
  });
  assert.equal(e.namespace, "default");
  assert.equal(e.topic, "/tasks/exit");
  assert.equal(e.event?.typeUrl, "containerd.events.TaskExit");
  assert.equal(timestampDate(e.timestamp ?? assert.fail("no timestamp")).getTime(), at.getTime());
  const exit = unpackEvent(e, TaskExitSchema);
  assert.deepEqual([exit?.containerId, exit?.exitStatus], ["c1", 7]);
});

test("createEnvelope stamps now when no timestamp is given", () => {
  const before = Date.now();
  const e = createEnvelope({ namespace: "default", topic: "/x", schema: TaskOOMSchema, event: {} });
  const t = timestampDate(e.timestamp ?? assert.fail("no timestamp")).getTime();
  assert.ok(t >= before && t <= Date.now());
});

test("unpackEvent: the default registry, prefixed type URLs, other registries, no match", () => {
  const e = createEnvelope({ namespace: "default", topic: "/tasks/oom", schema: TaskOOMSchema, event: { containerId: "c2" } });
  assert.equal(unpackEvent(e)?.$typeName, "containerd.events.TaskOOM");
  const event = create(AnySchema, { typeUrl: "type.googleapis.com/containerd.events.TaskOOM", value: e.event?.value ?? assert.fail() });
  const prefixed = create(EnvelopeSchema, { ...e, event });
  assert.equal(unpackEvent(prefixed, TaskOOMSchema)?.containerId, "c2");
  // Another type than asked for, a type the registry lacks, no event: undefined.
  assert.equal(unpackEvent(e, TaskExitSchema), undefined);
  assert.equal(unpackEvent(e, createRegistry(ConnectRequestSchema)), undefined);
  assert.equal(unpackEvent(create(EnvelopeSchema, { topic: "/x" })), undefined);
});

test("topics and namespaces containerd would refuse get specific errors", () => {
  for (const ok of ["/tasks/exit", "/a", "/ttrpc-ts/my.topic_1"]) validateTopic(ok);
  assert.throws(() => validateTopic("tasks/exit"), /must start with '\/'/);
  assert.throws(() => validateTopic("/"), /invalid component ""/);
  assert.throws(() => validateTopic("/tasks//exit"), /invalid component ""/);
  assert.throws(() => validateTopic("/tasks/ex it"), /invalid component "ex it"/);
  assert.throws(() => createEnvelope({ namespace: "a b", topic: "/x", schema: TaskOOMSchema, event: {} }), /namespace "a b" is invalid/);
});
