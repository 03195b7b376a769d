import { nodeFs } from "./builtins.js";

/** Node's own default listen backlog, used where the system's is unknown. */
const NODE_DEFAULT_BACKLOG = 511;

let cached: number | undefined;

/**
 * The listen backlog a server uses by default: on Linux the system's
 * `net.core.somaxconn` (as Go's net package does), else Node's 511. The
 * kernel caps any backlog at somaxconn, so asking for it means "as many as
 * the system allows".
 */
export function defaultBacklog(): number {
  if (cached !== undefined) return cached;
  cached = NODE_DEFAULT_BACKLOG;
  if (process.platform === "linux") {
    try {
      const n = Number.parseInt(nodeFs().readFileSync("/proc/sys/net/core/somaxconn", "utf8").trim(), 10);
      // Go clamps to 65535 too: older kernels keep the backlog in a uint16.
      if (n > 0) cached = Math.min(n, 65535);
    } catch {
      // No /proc (a sandbox): keep Node's default.
    }
  }
  return cached;
}
