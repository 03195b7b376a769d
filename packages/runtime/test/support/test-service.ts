// A small service for the reliability tests, described by hand (no code
// generation) with a real protobuf codec, so that garbage payloads fail to
// decode exactly as they would with generated messages.
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, type HandlerContext, TtrpcError } from "@ttrpc-ts/runtime";
import { encodeFrame, FrameType, type MethodDef, type MethodKind, RequestSchema, type ServiceDef } from "@ttrpc-ts/runtime/protocol";

/**
 * The one message type of the test service:
 * `message Msg { uint64 id = 1; uint32 seq = 2; bytes data = 3; uint32 delay_ms = 4; uint32 count = 5; string text = 6; }`
 */
export interface Msg {
  id: number;
  seq: number;
  data: Uint8Array;
  delayMs: number;
  count: number;
  text: string;
}

/** A Msg with every field defaulted except those given. */
export function msg(init: Partial<Msg> = {}): Msg {
  return { id: 0, seq: 0, data: EMPTY, delayMs: 0, count: 0, text: "", ...init };
}

const EMPTY = new Uint8Array(0);

/** Serializes a Msg (proto3: default values are not written). */
export function encodeMsg(m: Msg): Uint8Array {
  const w = new BinaryWriter();
  if (m.id !== 0) w.tag(1, WireType.Varint).uint64(m.id);
  if (m.seq !== 0) w.tag(2, WireType.Varint).uint32(m.seq);
  if (m.data.length > 0) w.tag(3, WireType.LengthDelimited).bytes(m.data);
  if (m.delayMs !== 0) w.tag(4, WireType.Varint).uint32(m.delayMs);
  if (m.count !== 0) w.tag(5, WireType.Varint).uint32(m.count);
  if (m.text !== "") w.tag(6, WireType.LengthDelimited).string(m.text);
  return w.finish();
}

/** Parses a Msg; throws on malformed bytes, like generated code. */
export function decodeMsg(bytes: Uint8Array): Msg {
  const r = new BinaryReader(bytes);
  const m = msg();
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1:
        m.id = Number(r.uint64());
        break;
      case 2:
        m.seq = r.uint32();
        break;
      case 3:
        m.data = r.bytes();
        break;
      case 4:
        m.delayMs = r.uint32();
        break;
      case 5:
        m.count = r.uint32();
        break;
      case 6:
        m.text = r.string();
        break;
      default:
        r.skip(wire, field);
    }
  }
  return m;
}

/** Fully qualified name of the test service. */
export const SERVICE = "reliability.v1.Test";

function method(name: string, localName: string, kind: MethodKind): MethodDef<Msg, Msg> {
  return {
    service: SERVICE,
    name,
    localName,
    kind,
    encodeInput: encodeMsg,
    decodeInput: decodeMsg,
    encodeOutput: encodeMsg,
    decodeOutput: decodeMsg,
  };
}

/** The test service's methods. */
export const TestMethods = {
  /**
   * Unary: echoes the request after `delayMs` (aborts with the call);
   * `count` > 0 replaces `data` with that many zero bytes; `text: "throw"`
   * fails with NOT_FOUND.
   */
  echo: method("Echo", "echo", "unary"),
  /** Unary: never answers; ends only when its signal aborts. */
  hang: method("Hang", "hang", "unary"),
  /** Unary: answers with the caller's peer credentials in `text` (JSON). */
  whoAmI: method("WhoAmI", "whoAmI", "unary"),
  /**
   * Server-streaming: `count` messages (0: until cancelled), `delayMs`
   * apart, each with `seq` 1, 2, ... and `data` (or, when the request's
   * `seq` > 0, that many zero bytes).
   */
  ticks: method("Ticks", "ticks", "server_streaming"),
  /** Client-streaming: answers `count` = messages received, `id` = sum of ids. */
  sum: method("Sum", "sum", "client_streaming"),
  /** Bidi: echoes every message. */
  chat: method("Chat", "chat", "bidi_streaming"),
} as const;

/** The test service as the runtime takes it. */
export const TestService: ServiceDef = { typeName: SERVICE, methods: Object.values(TestMethods) };

// Bounds on what a request can ask for, so that fuzzed requests cannot make
// the test service itself allocate gigabytes or sleep for days.
const MAX_DATA = 1 << 20;
const MAX_DELAY = 60_000;

/** What the handlers saw, for assertions. */
export interface Probe {
  /** Handlers started, by method name. */
  started: Map<string, number>;
  /** Handlers whose code has finished (normally, by error or cancelled). */
  finished: Map<string, number>;
  /** The reasons handler signals aborted with, for calls that did not end normally. */
  abortReasons: TtrpcError[];
  /** Handlers currently running. */
  running: number;
}

/** A fresh probe. */
export function createProbe(): Probe {
  return { started: new Map(), finished: new Map(), abortReasons: [], running: 0 };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The handlers of the test service, reporting to `probe`. */
export function testImpl(probe: Probe = createProbe()): Record<string, unknown> {
  const track = async <T>(name: string, ctx: HandlerContext, body: () => Promise<T>): Promise<T> => {
    bump(probe.started, name);
    probe.running++;
    try {
      return await body();
    } catch (e) {
      if (ctx.signal.aborted && ctx.signal.reason instanceof TtrpcError) probe.abortReasons.push(ctx.signal.reason);
      throw e;
    } finally {
      probe.running--;
      bump(probe.finished, name);
    }
  };
  async function* trackStream(name: string, ctx: HandlerContext, body: AsyncIterable<Msg>): AsyncIterable<Msg> {
    bump(probe.started, name);
    probe.running++;
    try {
      yield* body;
    } finally {
      if (ctx.signal.aborted && ctx.signal.reason instanceof TtrpcError && ctx.signal.reason.code !== Code.Canceled) {
        probe.abortReasons.push(ctx.signal.reason);
      }
      probe.running--;
      bump(probe.finished, name);
    }
  }
  return {
    echo: (req: Msg, ctx: HandlerContext) =>
      track("Echo", ctx, async () => {
        if (req.delayMs > 0) await delay(Math.min(req.delayMs, MAX_DELAY), ctx.signal);
        if (req.text === "throw") throw new TtrpcError(`thing ${req.id} not found`, Code.NotFound);
        return req.count > 0 ? { ...req, data: new Uint8Array(Math.min(req.count, MAX_DATA)) } : req;
      }),
    hang: (_req: Msg, ctx: HandlerContext) =>
      track(
        "Hang",
        ctx,
        () => new Promise<Msg>((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))),
      ),
    whoAmI: (_req: Msg, ctx: HandlerContext) => track("WhoAmI", ctx, async () => msg({ text: JSON.stringify(ctx.peer ?? null) })),
    ticks: (req: Msg, ctx: HandlerContext) =>
      trackStream(
        "Ticks",
        ctx,
        (async function* () {
          for (let i = 1; req.count === 0 || i <= req.count; i++) {
            if (req.delayMs > 0) await delay(Math.min(req.delayMs, MAX_DELAY), ctx.signal);
            yield msg({ id: req.id, seq: i, data: req.seq > 0 ? new Uint8Array(Math.min(req.seq, MAX_DATA)) : req.data });
          }
        })(),
      ),
    sum: (reqs: AsyncIterable<Msg>, ctx: HandlerContext) =>
      track("Sum", ctx, async () => {
        let count = 0;
        let id = 0;
        for await (const r of reqs) {
          count++;
          id += r.id;
        }
        return msg({ count, id });
      }),
    chat: (reqs: AsyncIterable<Msg>, ctx: HandlerContext) =>
      trackStream(
        "Chat",
        ctx,
        (async function* () {
          for await (const r of reqs) {
            if (r.delayMs > 0) await delay(Math.min(r.delayMs, MAX_DELAY), ctx.signal);
            yield r;
          }
        })(),
      ),
  };
}

/** Encodes a `ttrpc.Request` for the test service (or any service). */
export function testRequestBody(method: string, payload?: Uint8Array, service = SERVICE, timeoutNano = 0n): Uint8Array {
  const req = create(RequestSchema, { service, method, timeoutNano });
  if (payload !== undefined) req.payload = payload;
  return toBinary(RequestSchema, req);
}

/** A whole Request frame for the test service. */
export function requestFrame(streamId: number, method: string, payload?: Uint8Array, flags = 0): Buffer {
  return encodeFrame(streamId, FrameType.Request, flags, testRequestBody(method, payload));
}
