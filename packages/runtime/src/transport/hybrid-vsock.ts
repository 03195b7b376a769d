import type * as net from "node:net";
import { nodeNet } from "./builtins.js";

/** Options for {@link dialHybridVsock}. */
export interface HybridVsockDialOptions {
  /** Give up after this many ms in all. Default 30000 (Kata's dial timeout). */
  timeoutMs?: number;
  /** First attempt's window; it doubles after each failed attempt. Default 25 ms. */
  initialWindowMs?: number;
  /** Largest attempt window. Default 10000 ms. */
  maxWindowMs?: number;
  /** Stops retrying. */
  signal?: AbortSignal | undefined;
}

/** The longest reply line accepted before the handshake counts as failed. */
const MAX_REPLY = 512;

/**
 * Opens a host-initiated hybrid vsock connection (Firecracker, Cloud
 * Hypervisor): connects to the VMM's unix socket `path`, writes
 * `CONNECT <port>\n` and waits for a line starting with `OK`. The returned
 * socket carries the guest's byte stream from the first byte after that
 * newline; bytes that arrived with the reply are put back (`unshift`).
 *
 * The VMM closes without a reply while nothing in the guest listens on the
 * port (the agent is still booting), so a failed attempt is retried, as
 * Kata's clients do: each attempt gets a window (connect, CONNECT, reply)
 * that starts at 25 ms and doubles up to 10 s, and the next attempt starts
 * when the window is over, until `timeoutMs` passes.
 */
export async function dialHybridVsock(path: string, port: number, options: HybridVsockDialOptions = {}): Promise<net.Socket> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const maxWindow = options.maxWindowMs ?? 10_000;
  let window = options.initialWindowMs ?? 25;
  let attempts = 0;
  let last: Error | undefined;
  const { connect } = nodeNet();
  for (;;) {
    options.signal?.throwIfAborted();
    const started = Date.now();
    const budget = Math.min(window, deadline - started);
    if (budget <= 0) break;
    attempts++;
    try {
      return await attempt(connect, path, port, budget, options.signal);
    } catch (e) {
      last = e as Error;
    }
    const pause = started + window - Date.now();
    if (Date.now() + Math.max(pause, 0) >= deadline) break;
    if (pause > 0) await sleep(pause, options.signal);
    window = Math.min(window * 2, maxWindow);
  }
  options.signal?.throwIfAborted();
  const err = new Error(
    `hybrid vsock ${path} port ${port}: no OK reply after ${attempts} attempt${attempts === 1 ? "" : "s"}` +
      (last ? ` (last: ${last.message})` : ""),
    { cause: last },
  );
  throw err;
}

/** One connect + CONNECT + reply, bounded by `ms`. */
function attempt(
  connect: (path: string) => net.Socket,
  path: string,
  port: number,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let reply = "";
    const fail = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`no reply within ${ms} ms`)), ms);
    const onAbort = (): void => fail(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    const onError = (err: Error): void => fail(err);
    const onEnd = (): void =>
      fail(new Error(reply === "" ? "closed without a reply (is the guest listening on the port?)" : `closed after "${reply}"`));
    const onReadable = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        const nl = chunk.indexOf(0x0a);
        if (nl < 0) {
          reply += chunk.toString("latin1");
          if (reply.length > MAX_REPLY) {
            fail(new Error(`reply longer than ${MAX_REPLY} bytes without a newline`));
            return;
          }
          continue;
        }
        reply += chunk.toString("latin1", 0, nl);
        // Whatever followed the newline is already the guest's stream.
        if (nl + 1 < chunk.length) socket.unshift(chunk.subarray(nl + 1));
        cleanup();
        if (reply.startsWith("OK")) {
          resolve(socket);
        } else {
          socket.destroy();
          reject(new Error(`unexpected reply "${reply.slice(0, 80)}"`));
        }
        return;
      }
    };
    function cleanup(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("readable", onReadable);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("error", onError);
    socket.on("end", onEnd);
    socket.on("close", onEnd);
    socket.on("readable", onReadable);
    socket.once("connect", () => socket.write(`CONNECT ${port}\n`));
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The unix socket path a VMM connects to for guest-initiated connections to `port`. */
export function hybridVsockListenPath(path: string, port: number): string {
  return `${path}_${port}`;
}
