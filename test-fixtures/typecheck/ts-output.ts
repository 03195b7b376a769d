// Type-level checks of the TypeScript output, compiled (never run) under
// tsconfig.esm.json. Each `@ts-expect-error` is a check that must fail.
import { create } from "@bufbuild/protobuf";
import type { CallOptions, Connection, HandlerContext, Server } from "@ttrpc-ts/runtime";
import {
  type AwkwardClient,
  type AwkwardImpl,
  createAwkwardClient,
  registerAwkward,
  registerServer,
} from "../gen/ts/fixtures/awkward/v1/awkward_ttrpc.js";
import { type Item, ItemSchema } from "../gen/ts/fixtures/common/v1/common_pb.js";
import { PutManyResponseSchema, PutResponseSchema, type SyncEvent } from "../gen/ts/fixtures/stream/v1/stream_pb.js";
import {
  createItemStoreClient,
  type ItemStoreClient,
  type ItemStoreImpl,
  registerItemStore,
} from "../gen/ts/fixtures/stream/v1/stream_ttrpc.js";

declare const connection: Connection;
declare const server: Server;
declare const options: CallOptions;
declare const ctx: HandlerContext;

// A client takes init objects and is itself an implementation.
const client: ItemStoreClient = createItemStoreClient(connection);
export const asImpl: Partial<ItemStoreImpl> = client;
export const stored: Promise<unknown> = client.put({ id: "a", attributes: [{ key: "k" }] }, options);

// A client is a valid implementation: a proxy.
registerItemStore(server, client);

// Handlers take messages, not init objects.
declare const handlers: ItemStoreImpl;
// @ts-expect-error an init object is not an Item
handlers.put({ id: "a" }, ctx);
export const viaImpl: unknown = handlers.put(create(ItemSchema, { id: "a" }), ctx);

// A handler's context is valid CallOptions: forward it upstream.
export const forwarded: Promise<unknown> = client.put(create(ItemSchema), ctx);

// Implementations may declare the context optional.
export const typedAsService: Pick<ItemStoreImpl, "put"> = {
  async put(request: Item, context?: HandlerContext) {
    void context?.metadata;
    return create(PutResponseSchema, { storedAt: request.createdAt });
  },
};
registerItemStore(server, typedAsService);

// Handlers may return init objects and plain values, and stream with async generators.
const impl: Partial<ItemStoreImpl> = {
  put: () => ({}),
  putMany: async (requests, context) => {
    let count = 0;
    for await (const _ of requests) count++;
    void context.deadline;
    return { count };
  },
  async *sync(requests) {
    for await (const item of requests) yield { item, ack: { id: item.id } };
  },
};
registerItemStore(server, impl);
export const events: AsyncIterable<SyncEvent> = client.sync([] as unknown as AsyncIterable<Item>);

registerItemStore(server, {
  // @ts-expect-error the response must be a PutResponse
  put: () => create(PutManyResponseSchema),
});

// Awkward names: the members are protobuf-es local names.
declare const awkward: AwkwardClient;
export const awkwardService: Partial<AwkwardImpl> = awkward;
export const awkwardCalls: Array<Promise<unknown>> = [
  awkward.delete({}),
  awkward.constructor$({}),
  awkward.toString$({}),
  // biome-ignore lint/suspicious/noPrototypeBuiltins: an RPC named HasOwnProperty, not Object.prototype's
  awkward.hasOwnProperty({}),
  awkward.do_thing({ value: "x" }),
  awkward.wait({ value: "a message named Promise" }),
  awkward.mirror({ value: "a message named like the client" }),
];
export const makeAwkward: (c: Connection) => AwkwardClient = createAwkwardClient;
registerServer(server, { serve: (req) => ({ value: req.value }) });

// Methods named like Object.prototype members may be left out: every
// object inherits a member of that name, which the server never calls.
registerAwkward(server, { delete: (req) => ({ value: req.value }) });
export const partialAwkward: Partial<AwkwardImpl> = { touch: () => ({}) };
