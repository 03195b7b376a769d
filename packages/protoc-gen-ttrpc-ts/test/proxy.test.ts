// ttrpc's defining trait: a client is itself an implementation of its
// service, so it can be registered on a second server as is (a proxy).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import {
  createItemStoreClient,
  type ItemStoreClient,
  registerItemStore,
} from "../../../test-fixtures/gen/ts/fixtures/stream/v1/stream_ttrpc.js";
import { collect, dial, from, listen } from "./helpers.js";
import { createItemStore, item } from "./item-store.js";

test("a client registered as the implementation of a second server proxies every kind of call", async (t) => {
  const store = createItemStore();
  const backend = await listen(t);
  registerItemStore(backend.server, store);
  const upstream: ItemStoreClient = createItemStoreClient(await dial(t, backend.address));

  const proxy = await listen(t);
  registerItemStore(proxy.server, upstream);
  const client = createItemStoreClient(await dial(t, proxy.address));

  // Unary; the handler context is forwarded as call options, metadata included.
  const put = await client.put({ id: "a", payload: { case: "text", value: "first" } }, { metadata: { "x-trace": "t-1" } });
  assert.ok(put.storedAt !== undefined);
  assert.deepEqual(store.seen, ["t-1"]);
  assert.equal((await client.get({ id: "a" })).payload.value, "first");

  // Errors come back through the proxy with their code.
  await assert.rejects(client.get({ id: "nope" }), (e: unknown) => e instanceof TtrpcError && e.code === Code.NotFound);

  // Client streaming.
  assert.equal((await client.putMany(from([item("b"), item("c"), { id: "d" }]))).count, 3);
  // Server streaming.
  assert.deepEqual(
    (await collect(client.list({ page: { size: 3 } }))).map((i) => i.id),
    ["a", "b", "c"],
  );
  // Bidi.
  const events = await collect(client.sync(from([item("x"), item("y")])));
  assert.deepEqual(
    events.map((e) => [e.ack?.id, e.item?.id]),
    [
      ["x", "x"],
      ["y", "y"],
    ],
  );
  // Well-known types.
  await client.clear({});
  assert.equal(store.items.size, 0);
});

test("code written against the service interface takes a client or a local implementation", async (t) => {
  const countItems = async (svc: ItemStoreClient) => (await collect(svc.list({ $typeName: "fixtures.stream.v1.ListRequest" }))).length;

  const store = createItemStore();
  store.items.set("a", item("a"));
  const { server, address } = await listen(t);
  registerItemStore(server, store);
  const remote = createItemStoreClient(await dial(t, address));

  // A local fake: the same interface, no server.
  const fake: Pick<ItemStoreClient, "list"> = {
    async *list() {
      yield item("1");
      yield item("2");
    },
  };
  assert.equal(await countItems(remote), 1);
  assert.equal(await countItems(fake as ItemStoreClient), 2);
});
