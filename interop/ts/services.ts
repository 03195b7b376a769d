// TypeScript implementations of the interop services, with exactly the
// semantics written in interop/proto (the Go server implements the same).
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code, type HandlerContext, type Server, type ServiceImpl, TtrpcError } from "@ttrpc-ts/runtime";
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

/** The Streaming service with the semantics in interop/proto (the byte vectors' service). */
export function streamingImpl(): ServiceImpl<typeof Streaming> {
  return {
    echo: (req) => ({ seq: req.seq + 1, msg: req.msg }),
    async *echoStream(reqs) {
      for await (const r of reqs) yield { seq: r.seq + 1, msg: r.msg };
    },
    async sumStream(parts) {
      let sum = 0;
      let num = 0;
      for await (const p of parts) {
        sum += p.add;
        num++;
      }
      return { sum, num };
    },
    async *divideStream(req) {
      const { sum, num } = req;
      if (num < 0 || num > 100000 || (num === 0 && sum !== 0)) {
        throw new TtrpcError(`cannot divide ${sum} into ${num} parts`, Code.InvalidArgument);
      }
      yield {};
      if (num > 0) {
        const q = Math.trunc(sum / num);
        const r = sum % num;
        for (let i = 0; i < num; i++) yield { add: q + (i < Math.abs(r) ? Math.sign(r) : 0) };
      }
      yield {};
    },
    async echoNull(reqs) {
      let want = 0;
      for await (const r of reqs) {
        if (r.seq !== want) throw new TtrpcError(`unexpected seq ${r.seq}, want ${want}`, Code.InvalidArgument);
        want++;
      }
      return {};
    },
    async *echoNullStream(reqs) {
      for await (const _ of reqs) for (let i = 0; i < 10; i++) yield {};
    },
    async *emptyPayloadStream() {
      yield { seq: 1 };
      yield { seq: 2 };
    },
  };
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
