// Method names on the wire are the names written in the proto, for every
// RPC however awkward its TypeScript name. (Go's generator registers
// snake_case RPCs under their CamelCase name but its unary client sends the
// proto name; we send and register the proto name on both sides.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, type HandlerContext, TtrpcError } from "@ttrpc-ts/runtime";
import { type MethodDef, normalizeService, type ServiceDef } from "@ttrpc-ts/runtime/protocol";
import { Awkward } from "../../../test-fixtures/gen/ts/fixtures/awkward/v1/awkward_pb.js";
import {
  type AwkwardImpl,
  createAwkwardClient,
  createClientClient,
  createServerClient,
  registerAwkward,
  registerClient,
  registerServer,
} from "../../../test-fixtures/gen/ts/fixtures/awkward/v1/awkward_ttrpc.js";
import { createBareClient, registerBare } from "../../../test-fixtures/gen/ts/nopackage_ttrpc.js";
import { collect, dial, listen } from "./helpers.js";

test("every awkward RPC round-trips under its proto name", async (t) => {
  const seen: string[] = [];
  const echo = (req: { value: string }, ctx: HandlerContext) => {
    seen.push(`${ctx.service}/${ctx.method}`);
    return { value: req.value };
  };
  const impl: AwkwardImpl = {
    delete: echo,
    constructor$: echo,
    toString$: echo,
    hasOwnProperty: echo,
    do_thing: echo,
    async *stream_things(req, ctx) {
      yield echo(req, ctx);
      yield echo(req, ctx);
    },
    // biome-ignore lint/suspicious/noThenProperty: an RPC named Then; the impl object is never awaited
    then: echo,
    wait: echo,
    mirror: echo,
    touch: (req, ctx) => echo({ value: req.id }, ctx),
  };
  const { server, address } = await listen(t);
  registerAwkward(server, impl);
  const client = createAwkwardClient(await dial(t, address));

  assert.equal((await client.delete({ value: "delete" })).value, "delete");
  assert.equal((await client.constructor$({ value: "constructor" })).value, "constructor");
  assert.equal((await client.toString$({ value: "toString" })).value, "toString");
  // biome-ignore lint/suspicious/noPrototypeBuiltins: an RPC named HasOwnProperty, not Object.prototype's
  assert.equal((await client.hasOwnProperty({ value: "hasOwnProperty" })).value, "hasOwnProperty");
  assert.equal((await client.do_thing({ value: "snake" })).value, "snake");
  assert.deepEqual(
    (await collect(client.stream_things({ value: "s" }))).map((r) => r.value),
    ["s", "s"],
  );
  assert.equal((await client.then({ value: "then" })).value, "then");
  assert.equal((await client.wait({ value: "promise" })).value, "promise");
  assert.equal((await client.mirror({ value: "mirror" })).value, "mirror");
  assert.equal((await client.touch({ id: "item" })).value, "item");

  const svc = "fixtures.awkward.v1.Awkward";
  assert.deepEqual(seen, [
    `${svc}/Delete`,
    `${svc}/Constructor`,
    `${svc}/ToString`,
    `${svc}/HasOwnProperty`,
    `${svc}/do_thing`,
    `${svc}/stream_things`,
    `${svc}/stream_things`,
    `${svc}/Then`,
    `${svc}/Wait`,
    `${svc}/Mirror`,
    `${svc}/Touch`,
  ]);
});

test("a snake_case RPC registered under its Go name is not what the client calls", async (t) => {
  // What Go's protoc-gen-go-ttrpc registers for `rpc do_thing`: "DoThing".
  const def = normalizeService(Awkward);
  const doThing = def.methods.find((m) => m.name === "do_thing") as MethodDef;
  const goStyle: ServiceDef = { typeName: def.typeName, methods: [{ ...doThing, name: "DoThing" }] };
  const { server, address } = await listen(t);
  server.register(goStyle, { do_thing: (req: { value: string }) => req });
  const client = createAwkwardClient(await dial(t, address));
  await assert.rejects(
    client.do_thing({ value: "x" }),
    (e: unknown) => e instanceof TtrpcError && e.code === Code.Unimplemented && /do_thing/.test(e.message),
  );
});

test("services named like runtime classes, lowercase services and services without a package", async (t) => {
  const { server, address } = await listen(t);
  const methods: string[] = [];
  registerClient(server, {
    call: (req, ctx) => {
      methods.push(`${ctx.service}/${ctx.method}`);
      return { value: `client:${req.value}` };
    },
  });
  registerServer(server, {
    serve: (req, ctx) => {
      methods.push(`${ctx.service}/${ctx.method}`);
      return { value: `server:${req.value}` };
    },
  });
  registerBare(server, {
    call: (_req, ctx) => {
      methods.push(`${ctx.service}/${ctx.method}`);
      return {};
    },
  });
  const conn = await dial(t, address);
  assert.equal((await createClientClient(conn).call({ value: "1" })).value, "client:1");
  assert.equal((await createServerClient(conn).serve({ value: "2" })).value, "server:2");
  await createBareClient(conn).call({});
  assert.deepEqual(methods, ["fixtures.awkward.v1.Client/Call", "fixtures.awkward.v1.server/serve", "Bare/Call"]);
});
