import { type Connection, type ConnectionOptions, connect } from "@ttrpc-ts/runtime";
import { shimSocketAddress } from "./shim-address.js";

/**
 * Connects to a shim at the address its `start` printed, or that
 * containerd stored (`ttrpc+unix://...`), or the `address` of
 * {@link StartedShim}. Use the connection with `createTaskClient` from
 * `@ttrpc-ts/containerd/task/v3`.
 */
export function connectShim(address: string, options?: ConnectionOptions): Promise<Connection> {
  return connect(shimSocketAddress(address), options);
}
