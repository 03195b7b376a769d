// An in-memory ItemStore (test-fixtures/proto/fixtures/stream/v1/stream.proto)
// for the round-trip tests.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import { type Item, ItemSchema } from "../../../test-fixtures/gen/ts/fixtures/common/v1/common_pb.js";
import type { ItemStoreImpl } from "../../../test-fixtures/gen/ts/fixtures/stream/v1/stream_ttrpc.js";

/** A fresh store. `seen` records the metadata of every call, for forwarding checks. */
export function createItemStore(): ItemStoreImpl & { readonly items: Map<string, Item>; readonly seen: string[] } {
  const items = new Map<string, Item>();
  const seen: string[] = [];
  return {
    items,
    seen,
    put(item, ctx) {
      seen.push(ctx.metadata.get("x-trace") ?? "");
      items.set(item.id, item);
      return { storedAt: timestampNow() };
    },
    get(req, ctx) {
      seen.push(ctx.metadata.get("x-trace") ?? "");
      const item = items.get(req.id);
      if (item === undefined) throw new TtrpcError(`item ${req.id} not found`, Code.NotFound);
      return item;
    },
    async *list(req) {
      const size = req.page?.size ?? 0;
      let n = 0;
      for (const item of items.values()) {
        if (size > 0 && n++ >= size) return;
        yield item;
      }
    },
    async putMany(requests) {
      let count = 0;
      for await (const item of requests) {
        items.set(item.id, item);
        count++;
      }
      return { count };
    },
    async *sync(requests) {
      for await (const item of requests) yield { ack: { id: item.id }, item };
    },
    clear() {
      items.clear();
      return {};
    },
    fetch(req, ctx) {
      return this.get(req, ctx);
    },
    now: () => timestampNow(),
  };
}

/** An Item message. */
export function item(id: string, text = id): Item {
  return create(ItemSchema, { id, payload: { case: "text", value: text } });
}
