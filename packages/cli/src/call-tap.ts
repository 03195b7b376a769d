import { type DescMethod, fromBinary } from "@bufbuild/protobuf";
import { codeName, Metadata } from "@ttrpc-ts/runtime";
import { type Frame, FrameFlag, FrameType, RequestSchema, ResponseSchema } from "@ttrpc-ts/runtime/protocol";
import { formatJsonMessage, type JsonOutputOptions } from "./json-codec.js";
import type { Schema } from "./schema/schema.js";

/** Which way a frame went. */
export type Direction = "request" | "response";

/** One call as the tap follows it. */
interface TappedCall {
  readonly name: string;
  readonly method: DescMethod | undefined;
  readonly started: number;
}

/** Most payload bytes shown as hex when there is no schema for them. */
const HEX_LIMIT = 64;

/**
 * Turns the frames of one proxied connection into lines a person can read:
 * each call's method, metadata and timeout, every message (as JSON when the
 * schema knows the method, else size and leading bytes in hex), and the
 * final status with the call's duration. It only reads; the bytes are
 * forwarded elsewhere, unchanged.
 */
export class CallTap {
  readonly #calls = new Map<number, TappedCall>();
  readonly #prefix: string;
  readonly #schema: Schema | undefined;
  readonly #output: JsonOutputOptions;
  readonly #print: (line: string) => void;
  readonly #now: () => number;

  constructor(
    prefix: string,
    schema: Schema | undefined,
    output: JsonOutputOptions,
    print: (line: string) => void,
    now: () => number = performance.now.bind(performance),
  ) {
    this.#prefix = prefix;
    this.#schema = schema;
    this.#output = output;
    this.#print = print;
    this.#now = now;
  }

  /** A frame seen going `direction`. */
  frame(direction: Direction, f: Frame): void {
    const head = `${this.#prefix} #${f.streamId}`;
    try {
      if (f.type === FrameType.Request && direction === "request") this.#request(head, f);
      else if (f.type === FrameType.Response && direction === "response") this.#response(head, f);
      else if (f.type === FrameType.Data) this.#data(head, direction, f);
      else this.#print(`${head} ${arrow(direction)} frame type ${f.type} flags 0x${f.flags.toString(16)}, ${f.payload.length} bytes`);
    } catch (e) {
      this.#print(
        `${head} ${arrow(direction)} undecodable ${frameName(f.type)} (${(e as Error).message}), ${f.payload.length} bytes: ${hex(f.payload)}`,
      );
    }
  }

  /** A frame over the size limit (skipped by the parser, still forwarded). */
  oversize(direction: Direction, streamId: number, type: number, length: number): void {
    this.#print(
      `${this.#prefix} #${streamId} ${arrow(direction)} ${frameName(type)} of ${length} bytes (over the tap's limit; not decoded)`,
    );
  }

  /** The connection ended: calls still open are listed as unfinished. */
  closed(reason: string): void {
    for (const [id, call] of this.#calls) {
      this.#print(`${this.#prefix} #${id} ${call.name} unfinished (${reason}) after ${this.#elapsed(call)}`);
    }
    this.#calls.clear();
  }

  #request(head: string, f: Frame): void {
    const req = fromBinary(RequestSchema, f.payload);
    const name = `${req.service}/${req.method}`;
    const method = this.#findMethod(req.service, req.method);
    this.#calls.set(f.streamId, { name, method, started: this.#now() });
    const md = new Metadata();
    for (const kv of req.metadata) md.append(kv.key, kv.value);
    const parts = [`${head} → ${name}`];
    if (md.size > 0) parts.push(`metadata ${JSON.stringify(md.toJSON())}`);
    if (req.timeoutNano !== 0n) parts.push(`timeout ${Number(req.timeoutNano) / 1e6}ms`);
    if (f.flags & FrameFlag.RemoteOpen) parts.push("(stream open)");
    this.#print(parts.join(" "));
    // A call that streams requests sends them later, in Data frames.
    if (!(f.flags & FrameFlag.RemoteOpen)) {
      this.#print(`${head} → ${this.#message(method?.input, req.payload)}`);
    }
  }

  #response(head: string, f: Frame): void {
    const res = fromBinary(ResponseSchema, f.payload);
    const call = this.#calls.get(f.streamId);
    this.#calls.delete(f.streamId);
    const code = res.status?.code ?? 0;
    const took = call ? ` in ${this.#elapsed(call)}` : "";
    if (code === 0) {
      if (
        res.payload.length > 0 ||
        call?.method?.methodKind === "unary" ||
        call?.method?.methodKind === "client_streaming" ||
        !call?.method
      ) {
        this.#print(`${head} ← ${this.#message(call?.method?.output, res.payload)}`);
      }
      this.#print(`${head} ← OK${took}`);
      return;
    }
    const message = res.status?.message ?? "";
    this.#print(`${head} ← ${codeName(code)} (${code}): ${message}${took}`);
  }

  #data(head: string, direction: Direction, f: Frame): void {
    const call = this.#calls.get(f.streamId);
    const desc = direction === "request" ? call?.method?.input : call?.method?.output;
    if (!(f.flags & FrameFlag.NoData)) this.#print(`${head} ${arrow(direction)} ${this.#message(desc, f.payload)}`);
    if (!(f.flags & FrameFlag.RemoteClosed)) return;
    if (direction === "request") {
      this.#print(`${head} → end of stream`);
      return;
    }
    // The server closing its side without a Response: the stream ended OK.
    this.#calls.delete(f.streamId);
    this.#print(`${head} ← OK${call ? ` in ${this.#elapsed(call)}` : ""}`);
  }

  #message(desc: DescMethod["input"] | undefined, payload: Uint8Array): string {
    if (desc && this.#schema) {
      return formatJsonMessage(desc, fromBinary(desc, payload), this.#schema.types, this.#output);
    }
    return `${payload.length} bytes${payload.length > 0 ? `: ${hex(payload)}` : ""}`;
  }

  #findMethod(service: string, method: string): DescMethod | undefined {
    const s = this.#schema?.services.find((x) => x.typeName === service);
    return s?.methods.find((m) => m.name === method);
  }

  #elapsed(call: TappedCall): string {
    const ms = this.#now() - call.started;
    return ms < 10 ? `${ms.toFixed(2)}ms` : `${Math.round(ms)}ms`;
  }
}

function arrow(direction: Direction): string {
  return direction === "request" ? "→" : "←";
}

function frameName(type: number): string {
  return type === FrameType.Request
    ? "Request"
    : type === FrameType.Response
      ? "Response"
      : type === FrameType.Data
        ? "Data"
        : `type ${type}`;
}

function hex(b: Uint8Array): string {
  const shown = Buffer.from(b.subarray(0, HEX_LIMIT)).toString("hex");
  return b.length > HEX_LIMIT ? `${shown}…` : shown;
}
