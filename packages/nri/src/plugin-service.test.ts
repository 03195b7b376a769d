import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, createHandlerContext, Metadata, TtrpcError } from "@ttrpc-ts/runtime";
import { eventMask } from "./events.js";
import {
  ConfigureRequestSchema,
  ContainerSchema,
  Event,
  PodSandboxSchema,
  StateChangeEventSchema,
  SynchronizeRequestSchema,
  ValidateContainerAdjustmentRequestSchema,
} from "./gen/api_pb.js";
import type { PluginHandlers } from "./handlers.js";
import { handledEvents, type PluginServiceHooks, pluginService } from "./plugin-service.js";

const ctx = () => createHandlerContext({ metadata: new Metadata() });
const hooks = (log: string[] = []): PluginServiceHooks => ({
  failurePolicy: undefined,
  configured: (i) => log.push(`configured ${i.runtime.name} ${i.registrationTimeoutMs} ${i.requestTimeoutMs} 0x${i.events.toString(16)}`),
  configureFailed: (e) => log.push(`failed ${e.message}`),
});
const ctr = (id: string) => create(ContainerSchema, { id });

test("handledEvents: one bit per implemented event handler, none for configure/synchronize/shutdown", () => {
  const h: PluginHandlers = { configure() {}, synchronize() {}, shutdown() {}, createContainer() {}, removePodSandbox() {} };
  assert.equal(handledEvents(h), eventMask(Event.CREATE_CONTAINER, Event.REMOVE_POD_SANDBOX));
});

test("split Synchronize: parts with more=true are collected and echoed, the handler sees the whole state once", async () => {
  const calls: string[] = [];
  const svc = pluginService(
    {
      synchronize(pods, containers) {
        calls.push(`${pods.map((p) => p.id).join(",")}|${containers.map((c) => c.id).join(",")}`);
        return [{ containerId: "c1" }];
      },
      createContainer() {},
    },
    hooks(),
  );
  const part = (pods: string[], ctrs: string[], more: boolean) =>
    create(SynchronizeRequestSchema, { pods: pods.map((id) => ({ id })), containers: ctrs.map((id) => ({ id })), more });
  assert.deepEqual(await svc.synchronize(part(["p1"], ["c1"], true), ctx()), { more: true });
  assert.deepEqual(await svc.synchronize(part([], ["c2"], true), ctx()), { more: true });
  assert.equal(calls.length, 0);
  const last = await svc.synchronize(part(["p2"], ["c3"], false), ctx());
  assert.deepEqual(calls, ["p1,p2|c1,c2,c3"]);
  assert.deepEqual(last, { update: [{ containerId: "c1" }], more: false });
  // A later, unsplit synchronization starts afresh.
  await svc.synchronize(part(["p9"], [], false), ctx());
  assert.deepEqual(calls.at(-1), "p9|");
});

test("Synchronize without a handler echoes `more`", async () => {
  const svc = pluginService({ createContainer() {} }, hooks());
  assert.deepEqual(await svc.synchronize(create(SynchronizeRequestSchema, { more: true }), ctx()), { more: true });
  assert.deepEqual(await svc.synchronize(create(SynchronizeRequestSchema, { more: false }), ctx()), { more: false });
});

test("Configure subscribes to the handled events, or to the subset the handler returns", async () => {
  const log: string[] = [];
  const req = create(ConfigureRequestSchema, { runtimeName: "rt", registrationTimeout: 5000n, requestTimeout: 2000n, config: "cfg" });
  const all = pluginService({ createContainer() {}, stopContainer() {} }, hooks(log));
  assert.deepEqual(await all.configure(req, ctx()), { events: 0x208 });
  const some = pluginService(
    {
      configure: (config) => {
        log.push(`config ${config}`);
        return eventMask(Event.STOP_CONTAINER);
      },
      createContainer() {},
      stopContainer() {},
    },
    hooks(log),
  );
  assert.deepEqual(await some.configure(req, ctx()), { events: 0x200 });
  assert.deepEqual(log, ["configured rt 5000 2000 0x208", "config cfg", "configured rt 5000 2000 0x200"]);
});

test("Configure refuses a subscription to events without a handler", async () => {
  const log: string[] = [];
  const svc = pluginService(
    { configure: () => eventMask(Event.CREATE_CONTAINER, Event.START_CONTAINER), createContainer() {} },
    hooks(log),
  );
  await assert.rejects(
    Promise.resolve(svc.configure(create(ConfigureRequestSchema), ctx())),
    (e: unknown) =>
      e instanceof TtrpcError && e.code === Code.InvalidArgument && /unhandled events START_CONTAINER \(0x20\)/.test(e.message),
  );
  assert.match(log[0] ?? "", /^failed \[INVALID_ARGUMENT\] plugin subscribed for unhandled events START_CONTAINER/);
});

test("StateChange goes to the same handlers as the dedicated RPCs (older runtimes)", async () => {
  const seen: string[] = [];
  const svc = pluginService(
    {
      startContainer: (pod, c) => void seen.push(`start ${pod.id}/${c.id}`),
      removePodSandbox: (pod) => void seen.push(`removePod ${pod.id}`),
    },
    hooks(),
  );
  const evt = (event: Event) => create(StateChangeEventSchema, { event, pod: create(PodSandboxSchema, { id: "p" }), container: ctr("c") });
  await svc.stateChange(evt(Event.START_CONTAINER), ctx());
  await svc.stateChange(evt(Event.REMOVE_POD_SANDBOX), ctx());
  await svc.stateChange(evt(Event.POST_START_CONTAINER), ctx());
  assert.deepEqual(seen, ["start p/c", "removePod p"]);
});

test("every Plugin method answers, with or without a handler (never UNIMPLEMENTED)", async () => {
  const svc = pluginService({ runPodSandbox() {} }, hooks());
  assert.deepEqual(await svc.createContainer({ container: ctr("c") } as never, ctx()), { update: [] });
  assert.deepEqual(await svc.stopContainer({} as never, ctx()), { update: [] });
  assert.deepEqual(await svc.updateContainer({} as never, ctx()), { update: [] });
  assert.deepEqual(await svc.shutdown({} as never, ctx()), {});
  assert.deepEqual(await svc.postUpdatePodSandbox({} as never, ctx()), {});
});

test("handlers get empty messages for a missing pod or container", async () => {
  let got = "";
  const svc = pluginService({ createContainer: (pod, c) => void (got = `[${pod.id}][${c.id}]`) }, hooks());
  await svc.createContainer({} as never, ctx());
  assert.equal(got, "[][]");
});

test("ValidateContainerAdjustment: a throwing handler rejects with its message", async () => {
  const svc = pluginService(
    {
      validateContainerAdjustment: (req) => {
        if (req.container?.id === "bad") throw new Error("no privileged containers");
      },
    },
    hooks(),
  );
  const req = (id: string) => create(ValidateContainerAdjustmentRequestSchema, { container: ctr(id) });
  assert.deepEqual(await svc.validateContainerAdjustment(req("ok"), ctx()), {});
  assert.deepEqual(await svc.validateContainerAdjustment(req("bad"), ctx()), { reject: true, reason: "no privileged containers" });
});
