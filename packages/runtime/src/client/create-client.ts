import type { DescService } from "@bufbuild/protobuf";
import type { CallOptions } from "../call-options.js";
import { normalizeService, type ServiceDef, type TsProtoServiceDefinition } from "../method.js";
import type { Client, TsProtoClient } from "../service-types.js";
import type { Connection } from "./connection.js";

/**
 * What a typed client calls: a {@link Connection}, or anything with its four
 * call methods (e.g. a reconnecting connection).
 */
export type CallTarget = Pick<Connection, "unary" | "serverStream" | "clientStream" | "bidiStream">;

/**
 * A typed client for one service on a connection. The result has one method
 * per RPC (by local name, e.g. `sayHello`) and no other members, so it can
 * itself be registered as a server implementation (a proxy).
 *
 * ```ts
 * const echo = createClient(EchoService, await connect("/run/echo.sock"));
 * const res = await echo.say({ text: "hi" }, { timeoutMs: 1000 });
 * ```
 */
export function createClient<S extends DescService>(service: S, connection: CallTarget): Client<S>;
export function createClient<D extends TsProtoServiceDefinition>(service: D, connection: CallTarget): TsProtoClient<D>;
export function createClient(service: ServiceDef, connection: CallTarget): Record<string, unknown>;
export function createClient(service: DescService | TsProtoServiceDefinition | ServiceDef, connection: CallTarget): object {
  const def = normalizeService(service);
  const out: Record<string, unknown> = {};
  for (const m of def.methods) {
    let fn: (input: never, options?: CallOptions) => unknown;
    switch (m.kind) {
      case "unary":
        fn = (req, opt) => connection.unary(m, req, opt);
        break;
      case "server_streaming":
        fn = (req, opt) => connection.serverStream(m, req, opt);
        break;
      case "client_streaming":
        fn = (reqs, opt) => connection.clientStream(m, reqs, opt);
        break;
      case "bidi_streaming":
        fn = (reqs, opt) => connection.bidiStream(m, reqs, opt);
        break;
    }
    Object.defineProperty(out, m.localName, { value: fn, enumerable: true });
  }
  return out;
}
