// TypeScript implementations of the interop services, with exactly the
// semantics written in interop/proto (the Go server implements the same).
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code, type HandlerContext, type Server, TtrpcError } from "@ttrpc-ts/runtime";
import { streamingImpl } from "../../packages/runtime/test/support/streaming-service.js";
import { Streaming } from "./gen/ttrpc/integration/streaming/test_pb.js";
import { ErrorDetailSchema, Interop, type MetadataEntry } from "./gen/ttrpc/interop/v1/interop_pb.js";

/** Registers Interop and Streaming on `server`. */
export function registerInteropServices(server: Server): void {
  server.register(Interop, {
    echo: (req) => req,
    echoEmpty: () => ({}),
    fail(req) {
      if (req.code === 0) return {};
      const details = req.withDetail
        ? [anyPack(ErrorDetailSchema, create(ErrorDetailSchema, { reason: req.message, number: BigInt(req.code) }))]
        : [];
      throw new TtrpcError(req.message, req.code as Code, { details });
    },
    metadata(_req, ctx) {
      const entries: MetadataEntry[] = [];
      for (const key of ctx.metadata.keys()) {
        entries.push({ $typeName: "ttrpc.interop.v1.MetadataEntry", key, values: ctx.metadata.getAll(key) });
      }
      entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { entries };
    },
    deadline(_req, ctx) {
      const left = ctx.timeRemaining();
      return left === undefined ? { hasDeadline: false } : { hasDeadline: true, remainingMs: BigInt(Math.trunc(left)) };
    },
    async sleep(req, ctx) {
      const cancelled = await sleep(Math.max(0, Number(req.ms)), ctx);
      return { cancelled };
    },
    size(req) {
      if (req.replySize < 0) throw new TtrpcError("reply_size must not be negative", Code.InvalidArgument);
      return { receivedLen: BigInt(req.data.length), data: new Uint8Array(req.replySize).fill(0x61) };
    },
    async *streamError(req) {
      for (let i = 0; i < Math.max(0, req.count); i++) yield { index: i };
      if (req.code !== 0) throw new TtrpcError(req.message, req.code as Code);
    },
    async *ticker(req, ctx) {
      const interval = Math.max(1, req.intervalMs);
      for (let i = 0; req.count === 0 || i < req.count; i++) {
        if (i > 0 && (await sleep(interval, ctx))) return;
        if (ctx.signal.aborted) return;
        yield { index: i };
      }
    },
  });
  server.register(Streaming, streamingImpl());
}

/** Waits `ms` or until the handler's signal aborts; true when aborted. */
function sleep(ms: number, ctx: HandlerContext): Promise<boolean> {
  if (ctx.signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      ctx.signal.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(true);
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}
