import { create, fromBinary } from "@bufbuild/protobuf";
import { type BootstrapResult, BootstrapResultSchema } from "./gen/runtime/bootstrap/v1/bootstrap_pb.js";

/**
 * Reads what a shim's `start` wrote on stdout, the way containerd 2.x does:
 * a binary BootstrapResult (2.3+ shims), else a JSON BootstrapResult, else
 * the bare address text of older shims (ttrpc, version 2). Throws a specific
 * error for empty or unusable output.
 */
export function parseStartResult(stdout: Uint8Array): BootstrapResult {
  if (stdout.length === 0) throw new Error("shim start printed nothing on stdout");
  const fromProto = tryBinary(stdout);
  if (fromProto) return fromProto;
  const text = new TextDecoder().decode(stdout).trim();
  const fromJson = tryJson(text);
  if (fromJson) return fromJson;
  // Spaces or control characters: a message printed by mistake, or a
  // binary result without an address; neither names an address.
  if (!/^[^\s\p{Cc}]+$/u.test(text)) throw new Error(`shim start printed no address: ${JSON.stringify(clip(text))}`);
  return create(BootstrapResultSchema, { version: 2, address: text, protocol: "ttrpc" });
}

function tryBinary(bytes: Uint8Array): BootstrapResult | undefined {
  try {
    const r = fromBinary(BootstrapResultSchema, bytes);
    // Address text can also parse as a message (of unknown fields); a real
    // result always has an address and a version.
    return r.address !== "" && r.version >= 2 ? r : undefined;
  } catch {
    return undefined;
  }
}

function tryJson(text: string): BootstrapResult | undefined {
  if (!text.startsWith("{")) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const { version, address, protocol } = v as Record<string, unknown>;
  if (typeof address !== "string" || address === "" || typeof version !== "number" || version < 2) return undefined;
  return create(BootstrapResultSchema, { version, address, protocol: typeof protocol === "string" ? protocol : "ttrpc" });
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}
