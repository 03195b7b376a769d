import type { Duplex } from "node:stream";
import { type Address, parseAddress } from "../address.js";
import { Code } from "../code.js";
import { dial } from "../transport/dial.js";
import { TtrpcError } from "../ttrpc-error.js";
import { Connection, type ConnectionOptions } from "./connection.js";

/**
 * Connects to a ttrpc server. `address` is a unix socket path,
 * `unix://path`, an abstract socket `@name`, `tcp://host:port`, a hybrid
 * vsock `hvsock://<vmm socket>:<port>`, a Windows named pipe
 * `\\.\pipe\name`, or an already connected Duplex. Fails with UNAVAILABLE
 * and the reason (no such socket, refused, timeout), or INVALID_ARGUMENT for
 * an address it cannot parse.
 */
export async function connect(address: string | Duplex, options: ConnectionOptions = {}): Promise<Connection> {
  if (typeof address !== "string") return new Connection(address, options);
  let target: Address;
  try {
    target = parseAddress(address);
  } catch (e) {
    throw new TtrpcError((e as Error).message, Code.InvalidArgument);
  }
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  try {
    return new Connection(await dial(target, { timeoutMs }), options);
  } catch (e) {
    const err = e as Error;
    throw new TtrpcError(err.message, Code.Unavailable, { cause: err.cause ?? err });
  }
}
