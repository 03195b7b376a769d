// Type-level checks of the JavaScript output's declarations (ES modules).
import { create } from "@bufbuild/protobuf";
import type { Client, HandlerContext, Server } from "@ttrpc-ts/runtime";
import { ItemSchema } from "../gen/esm/fixtures/common/v1/common_pb.js";
import { createCounterServiceClient, registerCounterServiceService } from "../gen/esm/fixtures/editions/v1/editions_ttrpc.js";
import { createItemStoreClient, type ItemStoreService, registerItemStoreService } from "../gen/esm/fixtures/stream/v1/stream_ttrpc.js";

declare const connection: Client;
declare const server: Server;

const client = createItemStoreClient(connection);
export const asService: ItemStoreService = client;
registerItemStoreService(server, client);
export const got: Promise<unknown> = client.get({ id: "a" });
// @ts-expect-error an init object is not an Item
export const bad: Promise<unknown> = (client as ItemStoreService).put({ id: "a" });
export const ok: Promise<unknown> = (client as ItemStoreService).put(create(ItemSchema));

const counters = createCounterServiceClient(connection);
registerCounterServiceService(server, {
  increment: (c, ctx: HandlerContext) => counters.increment({ name: c.name, value: c.value + 1n }, ctx),
  async *watch(c) {
    yield c;
  },
});
