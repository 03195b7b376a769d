import * as net from "node:net";
import type { Duplex } from "node:stream";

/** Where external plugins connect by default. */
export const DEFAULT_SOCKET_PATH = "/var/run/nri/nri.sock";

/** Names the file descriptor of a pre-connected socket, for plugins the runtime launches. */
export const PLUGIN_SOCKET_ENV = "NRI_PLUGIN_SOCKET";

/** Options for {@link openNriSocket}. */
export interface NriSocketOptions {
  /** Socket path to dial when no pre-connected socket is inherited. Default {@link DEFAULT_SOCKET_PATH}. */
  socketPath?: string | undefined;
  /** Environment to look for NRI_PLUGIN_SOCKET in. Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Opens the plugin's connection to the runtime as NRI's Go stub does: the
 * socket inherited on the file descriptor named by NRI_PLUGIN_SOCKET when it
 * is set (the runtime launched this plugin), otherwise a connection to the
 * socket path. Rejects with the reason when neither works.
 */
export async function openNriSocket(options: NriSocketOptions = {}): Promise<Duplex> {
  const env = options.env ?? process.env;
  const inherited = env[PLUGIN_SOCKET_ENV];
  if (inherited) {
    const fd = Number(inherited);
    if (!/^[0-9]+$/.test(inherited) || !Number.isSafeInteger(fd)) {
      throw new Error(`invalid socket in environment (${PLUGIN_SOCKET_ENV}=${JSON.stringify(inherited)}): not a file descriptor number`);
    }
    try {
      return new net.Socket({ fd, readable: true, writable: true });
    } catch (e) {
      throw new Error(`invalid socket (${fd}) in environment (${PLUGIN_SOCKET_ENV}): ${(e as Error).message}`, { cause: e });
    }
  }
  const path = options.socketPath ?? DEFAULT_SOCKET_PATH;
  return new Promise((resolve, reject) => {
    const s = net.connect(path);
    s.once("connect", () => {
      s.removeAllListeners("error");
      resolve(s);
    });
    s.once("error", (err: NodeJS.ErrnoException) => {
      const why =
        err.code === "ENOENT"
          ? "no such socket (is NRI enabled in the runtime?)"
          : err.code === "ECONNREFUSED"
            ? "connection refused"
            : err.message;
      reject(new Error(`failed to connect to NRI service at ${path}: ${why}`, { cause: err }));
    });
  });
}
