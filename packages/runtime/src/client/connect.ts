import type * as net from "node:net";
import type { Duplex } from "node:stream";
import { parseAddress } from "../address.js";
import { Code } from "../code.js";
import { TtrpcError } from "../ttrpc-error.js";
import { Connection, type ConnectionOptions } from "./connection.js";

/**
 * Connects to a ttrpc server. `address` is a unix socket path,
 * `unix://path`, an abstract socket `@name`, or an already connected Duplex.
 * Fails with UNAVAILABLE and the reason (no such socket, refused, timeout).
 */
export async function connect(address: string | Duplex, options: ConnectionOptions = {}): Promise<Connection> {
  if (typeof address !== "string") return new Connection(address, options);
  let target: { path: string };
  try {
    target = parseAddress(address);
  } catch (e) {
    throw new TtrpcError((e as Error).message, Code.InvalidArgument);
  }
  const timeout = options.connectTimeoutMs ?? 10_000;
  // Loaded on first use: node:net is a good part of what importing the runtime would cost.
  const { connect: netConnect } = await import("node:net");
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = netConnect(target.path);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new TtrpcError(`connect ${address}: timed out after ${timeout} ms`, Code.Unavailable));
    }, timeout);
    s.once("connect", () => {
      clearTimeout(timer);
      s.removeAllListeners("error");
      resolve(s);
    });
    s.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new TtrpcError(`connect ${address}: ${describeConnectError(err)}`, Code.Unavailable, { cause: err }));
    });
  });
  return new Connection(socket, options);
}

function describeConnectError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ENOENT":
      return "no such socket (is the server running?)";
    case "ECONNREFUSED":
      return "connection refused (no server is listening on this socket)";
    case "EACCES":
      return "permission denied";
    default:
      return err.message;
  }
}
