import { Code } from "../code.js";
import { isPast } from "../deadline.js";
import type { MethodDef } from "../method.js";
import { CallTimer } from "../stream/call-timer.js";
import { decodeCostCheck } from "../stream/decode-cost.js";
import { deadlineError, protocolError, TtrpcError, unmarshalError } from "../ttrpc-error.js";
import { decodeResponseFast, okResponsePayload } from "../wire/envelope.js";
import { FrameType } from "../wire/frame.js";
import type { CallState, ClientPort } from "./client-port.js";

const EMPTY = new Uint8Array(0);

/** One unary call in flight: one Request out, one Response back. */
export class UnaryCall implements CallState {
  id = 0;
  #deadline: number | undefined;
  #timer: CallTimer | undefined;
  #done = false;

  constructor(
    readonly port: ClientPort,
    readonly method: MethodDef,
    readonly resolve: (message: unknown) => void,
    readonly reject: (e: unknown) => void,
  ) {}

  /** Starts the deadline and signal watch once the Request is out. */
  arm(deadline: number | undefined, signal: AbortSignal | undefined): void {
    if (this.#done) return;
    this.#deadline = deadline;
    if (deadline !== undefined || signal !== undefined) this.#timer = new CallTimer(deadline, signal, (e) => this.#finish(e));
  }

  frame(type: number, _flags: number, payload: Uint8Array): void {
    // A busy event loop can run the deadline timer late; a reply that
    // arrives after the deadline is late all the same.
    if (isPast(this.#deadline)) {
      this.#finish(deadlineError());
      return;
    }
    if (type !== FrameType.Response) {
      const name = type === FrameType.Data ? "data" : type === FrameType.Request ? "request" : "unknown";
      this.#finish(protocolError(`unexpected "${name}" message received`));
      return;
    }
    let message: unknown;
    try {
      // The usual OK Response is read without a result object.
      let out = okResponsePayload(payload);
      if (out === undefined) {
        const res = decodeResponseFast(payload);
        if (res.status && res.status.code !== Code.OK) {
          this.#finish(TtrpcError.fromStatus(res.status));
          return;
        }
        out = res.payload;
      }
      const tooCostly = decodeCostCheck(this.method, "output", out, this.port.maxDecodeCost);
      if (tooCostly) {
        this.#finish(tooCostly);
        return;
      }
      message = this.method.decodeOutput(out.length > 0 ? out : EMPTY);
    } catch (e) {
      this.#finish(unmarshalError("response", e));
      return;
    }
    this.#finish(undefined, message);
  }

  fail(error: TtrpcError): void {
    this.#finish(error);
  }

  #finish(error: TtrpcError | undefined, message?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.port.forget(this.id);
    this.#timer?.stop();
    if (error) this.reject(error);
    else this.resolve(message);
  }
}
