// Cases the TypeScript client runs against an interop server (the Go one on
// the real containerd/ttrpc, and our own). Each connects on its own.
import assert from "node:assert/strict";
import { create, type MessageInitShape, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, type Connection, connect, createClient, TtrpcError } from "@ttrpc-ts/runtime";
import { type MethodDef, RequestSchema } from "@ttrpc-ts/runtime/protocol";
import { Streaming } from "./gen/ttrpc/integration/streaming/test_pb.js";
import { type AllTypes, AllTypesSchema, Color, ErrorDetailSchema, Interop, SizeRequestSchema } from "./gen/ttrpc/interop/v1/interop_pb.js";

/** Which server is on the other end; a few expectations differ. */
export type Peer = "go" | "ts";

export interface ClientCase {
  name: string;
  run(address: string, peer: Peer): Promise<void>;
}

type AllInit = MessageInitShape<typeof AllTypesSchema>;

async function withClient<T>(address: string, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await connect(address);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

function json(m: AllTypes) {
  return toJson(AllTypesSchema, m);
}

async function echoSame(address: string, values: AllInit[]): Promise<void> {
  await withClient(address, async (c) => {
    const svc = createClient(Interop, c);
    for (const v of values) {
      const sent = create(AllTypesSchema, v);
      const got = await svc.echo(sent);
      assert.deepStrictEqual(json(got), json(sent));
    }
  });
}

async function expectError(p: Promise<unknown>, code: Code, message?: string | RegExp): Promise<TtrpcError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TtrpcError, `expected a TtrpcError, got ${String(e)}`);
    assert.equal(e.code, code, `code: got ${e.code} (${e.message})`);
    if (typeof message === "string") assert.equal(e.rawMessage, message);
    else if (message) assert.match(e.rawMessage, message);
    return e;
  }
  assert.fail(`expected error code ${code}, the call succeeded`);
}

async function* gen<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const big = 2n ** 63n - 1n;
const nested = { name: "n", value: -5, inner: { tags: ["a", "ü"], blob: new Uint8Array([0, 255]), counter: -9n }, child: { name: "c" } };

export const clientCases: ClientCase[] = [
  {
    name: "echo_scalars",
    run: (a) =>
      echoSame(a, [
        {
          fDouble: 1.5,
          fFloat: 0.25,
          fInt32: -2147483648,
          fInt64: -big - 1n,
          fUint32: 4294967295,
          fUint64: 2n ** 64n - 1n,
          fSint32: -1,
          fSint64: -big,
          fFixed32: 4294967295,
          fFixed64: 2n ** 64n - 1n,
          fSfixed32: -7,
          fSfixed64: big,
          fBool: true,
          fString: "héllo, 世界 🚀",
          fBytes: new Uint8Array([0, 1, 2, 255]),
          fEnum: Color.BLUE,
          fMaxField: 42,
        },
        { fDouble: Number.NaN, fFloat: Number.POSITIVE_INFINITY },
        { fDouble: Number.NEGATIVE_INFINITY, fEnum: Color.NEGATIVE, fInt32: 2147483647 },
      ]),
  },
  {
    name: "echo_repeated",
    run: (a) =>
      echoSame(a, [
        {
          rInt32: [1, -1, 0, 2147483647],
          rInt64: [big, -big],
          rUint64: [0n, 2n ** 64n - 1n],
          rSint64: [-1n, 1n],
          rFixed32: [7],
          rSfixed64: [-8n],
          rDouble: [0.5, -0.5],
          rFloat: [1, 2],
          rBool: [true, false, true],
          rEnum: [Color.RED, Color.NEGATIVE],
          rString: ["", "x", "y"],
          rBytes: [new Uint8Array(0), new Uint8Array([9])],
          rNested: [nested, {}],
        },
      ]),
  },
  {
    name: "echo_maps",
    run: (a) => echoSame(a, [{ mString: { a: "1", "": "empty key", ü: "" }, mNested: { 1: nested, [-3]: {}, 0: { name: "zero" } } }]),
  },
  { name: "echo_nested", run: (a) => echoSame(a, [{ fNested: { ...nested, child: { child: { child: { name: "deep" } } } } }]) },
  {
    name: "echo_oneof_optional",
    run: (a) =>
      echoSame(a, [
        { choice: { case: "oString", value: "s" }, optInt32: 0, optString: "" },
        { choice: { case: "oInt64", value: -1n } },
        { choice: { case: "oNested", value: {} }, optInt32: 5 },
      ]),
  },
  { name: "echo_empty_message", run: (a) => echoSame(a, [{}]) },
  {
    name: "echo_empty",
    run: (a) =>
      withClient(a, async (c) => {
        const got = await createClient(Interop, c).echoEmpty({});
        assert.equal(got.$typeName, "google.protobuf.Empty");
      }),
  },
  { name: "echo_large", run: (a) => echoSame(a, [{ fBytes: new Uint8Array(3 << 20).fill(7), rString: ["end"] }]) },
  {
    name: "errors_all_codes",
    run: (a) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        for (let code = 1; code <= 16; code++) {
          const message = `failure ${code}: ünïcode`;
          const err = await expectError(svc.fail({ code, message, withDetail: true }), code as Code, message);
          const details = err.findDetails(ErrorDetailSchema);
          assert.equal(details.length, 1);
          assert.equal(details[0]?.reason, message);
          assert.equal(details[0]?.number, BigInt(code));
        }
        const plain = await expectError(svc.fail({ code: Code.NotFound, message: "no detail" }), Code.NotFound, "no detail");
        assert.equal(plain.details.length, 0);
      }),
  },
  {
    name: "unknown_service",
    run: (a) =>
      withClient(a, async (c) => {
        const m: MethodDef<Uint8Array, Uint8Array> = {
          service: "no.Such",
          name: "Svc",
          localName: "svc",
          kind: "unary",
          encodeInput: (x) => x,
          decodeInput: (x) => x,
          encodeOutput: (x) => x,
          decodeOutput: (x) => x,
        };
        await expectError(c.unary(m, new Uint8Array(0)), Code.Unimplemented, "service no.Such");
      }),
  },
  {
    name: "unknown_method",
    run: (a) =>
      withClient(a, async (c) => {
        const m: MethodDef<Uint8Array, Uint8Array> = {
          service: "ttrpc.interop.v1.Interop",
          name: "Nope",
          localName: "nope",
          kind: "unary",
          encodeInput: (x) => x,
          decodeInput: (x) => x,
          encodeOutput: (x) => x,
          decodeOutput: (x) => x,
        };
        await expectError(c.unary(m, new Uint8Array(0)), Code.Unimplemented, "method Nope");
      }),
  },
  {
    name: "metadata_multi",
    run: (a) =>
      withClient(a, async (c) => {
        const reply = await createClient(Interop, c).metadata(
          {},
          { metadata: { "b-key": ["3", "1", "2"], "a-key": "x", "X-Mixed-Case": "v", empty: "" } },
        );
        assert.deepStrictEqual(
          reply.entries.map((e) => [e.key, e.values]),
          [
            ["a-key", ["x"]],
            ["b-key", ["3", "1", "2"]],
            ["empty", [""]],
            // Sent in lower case: Go's MD.Get only finds lower-case keys.
            ["x-mixed-case", ["v"]],
          ],
        );
      }),
  },
  {
    name: "deadline_propagation",
    run: (a) =>
      withClient(a, async (c) => {
        const r = await createClient(Interop, c).deadline({}, { timeoutMs: 5000 });
        assert.equal(r.hasDeadline, true);
        assert.ok(r.remainingMs > 3000n && r.remainingMs <= 5000n, `remaining_ms ${r.remainingMs}`);
        const d = await createClient(Interop, c).deadline({}, { deadline: new Date(Date.now() + 60_000) });
        assert.ok(d.remainingMs > 55_000n && d.remainingMs <= 60_000n, `remaining_ms ${d.remainingMs}`);
      }),
  },
  {
    name: "no_deadline",
    run: (a) =>
      withClient(a, async (c) => {
        const r = await createClient(Interop, c).deadline({});
        assert.equal(r.hasDeadline, false);
        assert.equal(r.remainingMs, 0n);
      }),
  },
  {
    name: "deadline_exceeded",
    run: (a) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        const start = Date.now();
        await expectError(svc.sleep({ ms: 3000n }, { timeoutMs: 200 }), Code.DeadlineExceeded);
        const took = Date.now() - start;
        // Not before the deadline (the 3 s sleep would answer OK if it were ignored).
        assert.ok(took >= 150, `took ${took} ms`);
        assert.equal(c.activeCalls, 0);
        await svc.echoEmpty({});
      }),
  },
  {
    name: "abort_signal",
    run: (a) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 50);
        await expectError(svc.sleep({ ms: 3000n }, { signal: ac.signal }), Code.Canceled);
        await expectError(svc.echoEmpty({}, { signal: ac.signal }), Code.Canceled);
        await svc.echoEmpty({});
      }),
  },
  {
    name: "size_exact_limit",
    run: (a) =>
      withClient(a, async (c) => {
        const len = exactLimitDataLength();
        const r = await createClient(Interop, c).size({ data: new Uint8Array(len), replySize: 16 });
        assert.equal(r.receivedLen, BigInt(len));
        assert.equal(r.data.length, 16);
      }),
  },
  {
    name: "size_over_limit",
    run: (a) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        const len = exactLimitDataLength() + 1;
        await expectError(
          svc.size({ data: new Uint8Array(len), replySize: 1 }),
          Code.ResourceExhausted,
          "message length 4194305 exceed maximum message size of 4194304",
        );
        assert.equal(c.activeCalls, 0, "a refused send leaves no stream entry (Go leaks one)");
        assert.equal((await svc.echo({ fString: "after" })).fString, "after");
      }),
  },
  {
    name: "response_over_limit",
    run: (a, peer) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        if (peer === "go") {
          // Go's server drops the whole connection (its known defect): the
          // pending call must fail at once with UNAVAILABLE, never hang.
          await expectError(svc.size({ replySize: 4194400 }), Code.Unavailable, /^ttrpc: closed/);
          assert.equal(c.closed, true);
          await expectError(svc.echoEmpty({}), Code.Unavailable);
          return;
        }
        await expectError(
          svc.size({ replySize: 4194400 }),
          Code.ResourceExhausted,
          /^message length \d+ exceed maximum message size of 4194304$/,
        );
        assert.equal((await svc.echo({ fString: "still up" })).fString, "still up");
      }),
  },
  {
    name: "concurrent_200",
    run: (a) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        const got = await Promise.all(Array.from({ length: 200 }, (_, i) => svc.echo({ fInt32: i, fString: `call ${i}` })));
        got.forEach((r, i) => {
          assert.equal(r.fInt32, i);
          assert.equal(r.fString, `call ${i}`);
        });
      }),
  },
  {
    name: "connections_50",
    run: async (a) => {
      const clients = await Promise.all(Array.from({ length: 50 }, () => connect(a)));
      try {
        await Promise.all(
          clients.map(async (c, i) => {
            const svc = createClient(Interop, c);
            for (let j = 0; j < 3; j++) assert.equal((await svc.echo({ fInt64: BigInt(i * 10 + j) })).fInt64, BigInt(i * 10 + j));
          }),
        );
      } finally {
        for (const c of clients) c.close();
      }
    },
  },
  {
    name: "streaming_unary_echo",
    run: (a) =>
      withClient(a, async (c) => {
        const r = await createClient(Streaming, c).echo({ seq: 41, msg: "m" });
        assert.deepEqual([r.seq, r.msg], [42, "m"]);
      }),
  },
  {
    name: "stream_echo",
    run: (a) =>
      withClient(a, async (c) => {
        const out = await collect(
          createClient(Streaming, c).echoStream(gen(Array.from({ length: 50 }, (_, i) => ({ seq: i * 2, msg: `p${i}` })))),
        );
        assert.deepEqual(
          out.map((e) => [e.seq, e.msg]),
          Array.from({ length: 50 }, (_, i) => [i * 2 + 1, `p${i}`]),
        );
      }),
  },
  {
    name: "stream_echo_interleaved",
    run: (a) =>
      withClient(a, async (c) => {
        // Send one, wait for its echo, send the next: a real conversation.
        const queue: Array<(v: { seq: number; msg: string }) => void> = [];
        const requests = (async function* () {
          for (let i = 0; i < 20; i++) yield await new Promise<{ seq: number; msg: string }>((r) => queue.push(r));
        })();
        const it = createClient(Streaming, c).echoStream(requests)[Symbol.asyncIterator]();
        for (let i = 0; i < 20; i++) {
          const next = it.next();
          while (queue.length === 0) await new Promise((r) => setImmediate(r));
          queue.shift()?.({ seq: i, msg: "x" });
          const r = await next;
          assert.equal(r.done, false);
          assert.equal(r.value?.seq, i + 1);
        }
        assert.equal((await it.next()).done, true);
      }),
  },
  {
    name: "stream_sum",
    run: (a) =>
      withClient(a, async (c) => {
        const adds = [0, ...Array.from({ length: 200 }, (_, i) => i - 50), 0];
        // Default-valued parts (first and last) go as zero-length Data frames.
        const parts = adds.map((add) => (add === 0 ? {} : { add }));
        const r = await createClient(Streaming, c).sumStream(gen(parts));
        assert.deepEqual([r.sum, r.num], [adds.reduce((s, x) => s + x, 0), 202]);
      }),
  },
  {
    name: "stream_divide",
    run: (a) =>
      withClient(a, async (c) => {
        const parts = await collect(createClient(Streaming, c).divideStream({ sum: 392, num: 30 }));
        assert.equal(parts.length, 32);
        assert.equal(parts[0]?.add, 0);
        assert.equal(parts[31]?.add, 0);
        assert.equal(
          parts.reduce((s, p) => s + p.add, 0),
          392,
        );
        await expectError(collect(createClient(Streaming, c).divideStream({ sum: 1, num: 0 })), Code.InvalidArgument);
      }),
  },
  {
    name: "stream_echo_null",
    run: (a) =>
      withClient(a, async (c) => {
        const r = await createClient(Streaming, c).echoNull(gen(Array.from({ length: 100 }, (_, i) => ({ seq: i, msg: "n" }))));
        assert.equal(r.$typeName, "google.protobuf.Empty");
        await expectError(createClient(Streaming, c).echoNull(gen([{ seq: 0 }, { seq: 5 }])), Code.InvalidArgument);
      }),
  },
  {
    name: "stream_echo_null_stream",
    run: (a) =>
      withClient(a, async (c) => {
        const out = await collect(createClient(Streaming, c).echoNullStream(gen(Array.from({ length: 7 }, (_, i) => ({ seq: i })))));
        assert.equal(out.length, 70);
      }),
  },
  {
    name: "stream_empty_payload",
    run: (a) =>
      withClient(a, async (c) => {
        const out = await collect(createClient(Streaming, c).emptyPayloadStream({}));
        assert.deepEqual(
          out.map((e) => e.seq),
          [1, 2],
        );
      }),
  },
  {
    name: "stream_error_mid",
    run: (a) =>
      withClient(a, async (c) => {
        const seen: number[] = [];
        await expectError(
          (async () => {
            for await (const item of createClient(Interop, c).streamError({ count: 3, code: Code.Aborted, message: "mid-stream" }))
              seen.push(item.index);
          })(),
          Code.Aborted,
          "mid-stream",
        );
        assert.deepEqual(seen, [0, 1, 2]);
        assert.deepEqual(
          (await collect(createClient(Interop, c).streamError({ count: 2 }))).map((i) => i.index),
          [0, 1],
        );
      }),
  },
  {
    name: "stream_concurrent",
    run: (a) =>
      withClient(a, async (c) => {
        const s = createClient(Streaming, c);
        const i = createClient(Interop, c);
        const tasks: Promise<void>[] = [];
        for (let k = 0; k < 10; k++) {
          tasks.push(
            collect(s.echoStream(gen(Array.from({ length: 30 }, (_, n) => ({ seq: n, msg: `s${k}` }))))).then((out) => {
              assert.equal(out.length, 30);
              assert.ok(out.every((e, n) => e.seq === n + 1 && e.msg === `s${k}`));
            }),
          );
          tasks.push(
            collect(s.divideStream({ sum: 100 + k, num: 10 })).then((p) =>
              assert.equal(
                p.reduce((x, y) => x + y.add, 0),
                100 + k,
              ),
            ),
          );
          tasks.push(s.sumStream(gen(Array.from({ length: 40 }, () => ({ add: k })))).then((r) => assert.equal(r.sum, 40 * k)));
          tasks.push(i.echo({ fInt32: k }).then((r) => assert.equal(r.fInt32, k)));
        }
        await Promise.all(tasks);
      }),
  },
  {
    name: "stream_cancel_early",
    run: (a) =>
      withClient(a, async (c) => {
        const svc = createClient(Interop, c);
        let n = 0;
        for await (const item of svc.ticker({ count: 0, intervalMs: 5 })) {
          assert.equal(item.index, n);
          if (++n === 3) break;
        }
        assert.equal(c.activeCalls, 0, "breaking out forgets the stream at once");
        // The server keeps ticking (ttrpc has no cancel frame); those frames
        // are dropped and the connection still serves calls.
        await new Promise((r) => setTimeout(r, 50));
        assert.equal((await svc.echo({ fString: "after" })).fString, "after");
        const ac = new AbortController();
        const seen: number[] = [];
        await expectError(
          (async () => {
            for await (const item of svc.ticker({ count: 0, intervalMs: 5 }, { signal: ac.signal })) {
              seen.push(item.index);
              if (seen.length === 2) ac.abort();
            }
          })(),
          Code.Canceled,
        );
        assert.deepEqual(seen, [0, 1]);
      }),
  },
  {
    name: "stream_deadline",
    run: (a) =>
      withClient(a, async (c) => {
        let n = 0;
        await expectError(
          (async () => {
            for await (const _ of createClient(Interop, c).ticker({ count: 0, intervalMs: 10 }, { timeoutMs: 150 })) n++;
          })(),
          Code.DeadlineExceeded,
        );
        assert.ok(n >= 3, `received ${n} ticks before the deadline`);
      }),
  },
  {
    name: "stream_send_oversize",
    run: (a) =>
      withClient(a, async (c) => {
        const s = createClient(Streaming, c);
        await expectError(
          s.echoNull(gen([{ seq: 0 }, { seq: 1, msg: "x".repeat((4 << 20) + 1) }])),
          Code.ResourceExhausted,
          /^message length \d+ exceed/,
        );
        assert.equal((await s.echo({ seq: 1 })).seq, 2);
      }),
  },
];

/** Length of SizeRequest.data that makes the Request envelope exactly 4 MiB. */
export function exactLimitDataLength(): number {
  const envelope = (n: number) =>
    toBinary(
      RequestSchema,
      create(RequestSchema, {
        service: "ttrpc.interop.v1.Interop",
        method: "Size",
        payload: toBinary(SizeRequestSchema, create(SizeRequestSchema, { data: new Uint8Array(n), replySize: 16 })),
      }),
    ).length;
  let n = (4 << 20) - 64;
  while (envelope(n) < 4 << 20) n++;
  assert.equal(envelope(n), 4 << 20, "no data length gives exactly 4 MiB");
  return n;
}
