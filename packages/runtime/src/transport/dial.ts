import type * as net from "node:net";
import { type Address, formatAddress } from "../address.js";
import { nodeNet } from "./builtins.js";
import { dialHybridVsock } from "./hybrid-vsock.js";

/** Options for {@link dial}. */
export interface DialOptions {
  /** Give up after this many ms. */
  timeoutMs: number;
  /** Stops dialing. */
  signal?: AbortSignal | undefined;
}

/**
 * Opens a byte stream to `address`: a unix socket, a TCP port, a Windows
 * named pipe, or a hybrid vsock port behind a VMM's unix socket. Rejects
 * with an Error whose message says why in words (no such socket, refused,
 * timed out); the errno error is its `cause`.
 */
export async function dial(address: Address, options: DialOptions): Promise<net.Socket> {
  const where = formatAddress(address);
  if (address.kind === "hvsock") {
    return dialHybridVsock(address.path, address.port, { timeoutMs: options.timeoutMs, signal: options.signal });
  }
  const { connect } = nodeNet();
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = address.kind === "tcp" ? connect({ host: address.host, port: address.port }) : connect(address.path);
    const done = (err: Error | undefined): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      s.removeAllListeners("error");
      if (err === undefined) {
        resolve(s);
        return;
      }
      s.destroy();
      reject(err);
    };
    const timer = setTimeout(() => done(new Error(`connect ${where}: timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = (): void => done(new Error(`connect ${where}: aborted`));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    s.once("connect", () => done(undefined));
    s.once("error", (err: NodeJS.ErrnoException) => done(new Error(`connect ${where}: ${describeConnectError(err)}`, { cause: err })));
  });
  if (address.kind === "tcp") socket.setNoDelay(true);
  return socket;
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
