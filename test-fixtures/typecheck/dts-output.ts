// Type-level checks of the JavaScript output's declarations (ES modules).
import { create } from "@bufbuild/protobuf";
import type { Connection, HandlerContext, Server } from "@ttrpc-ts/runtime";
import { ItemSchema } from "../gen/esm/fixtures/common/v1/common_pb.js";
import { createCounterClient, registerCounter } from "../gen/esm/fixtures/editions/v1/editions_ttrpc.js";
import { createItemStoreClient, type ItemStoreImpl, registerItemStore } from "../gen/esm/fixtures/stream/v1/stream_ttrpc.js";

declare const connection: Connection;
declare const server: Server;
declare const ctx: HandlerContext;

const client = createItemStoreClient(connection);
export const asImpl: Partial<ItemStoreImpl> = client;
registerItemStore(server, client);
export const got: Promise<unknown> = client.get({ id: "a" });
// @ts-expect-error an init object is not an Item
export const bad: unknown = (client as unknown as ItemStoreImpl).put({ id: "a" }, ctx);
export const ok: unknown = (client as unknown as ItemStoreImpl).put(create(ItemSchema), ctx);

const counters = createCounterClient(connection);
registerCounter(server, {
  increment: (c, ctx: HandlerContext) => counters.increment({ name: c.name, value: c.value + 1n }, ctx),
  async *watch(c) {
    yield c;
  },
});
