// The Streaming service with the semantics written in test/proto (the
// service of the Go byte vectors); the interop suite serves the same.
import { Code, type ServiceImpl, TtrpcError } from "@ttrpc-ts/runtime";
import type { Streaming } from "./gen/streaming_pb.js";

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
