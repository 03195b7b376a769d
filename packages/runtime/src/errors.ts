import { Code } from "./code.js";
import { TtrpcError } from "./ttrpc-error.js";

/** RESOURCE_EXHAUSTED with Go's exact text (go:channel.go). */
export function oversizeError(length: number, max: number): TtrpcError {
  return new TtrpcError(`message length ${length} exceed maximum message size of ${max}`, Code.ResourceExhausted);
}

/** A peer broke the protocol; Go appends `: protocol error`. */
export function protocolError(what: string): TtrpcError {
  return new TtrpcError(`${what}: protocol error`, Code.Internal);
}

/** Text of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
