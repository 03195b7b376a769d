// Drives interop/go's ttrpc-otel-peer: containerd/otelttrpc's interceptors
// on the real containerd/ttrpc, reporting the spans it recorded as JSON.
import { type ChildProcess, spawn } from "node:child_process";
import { goOtelPeerBin } from "./go-peer.js";

/** One span as the Go peer prints it. */
export interface GoSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  parentRemote: boolean;
  name: string;
  kind: string;
  scope: string;
  attributes: Record<string, string | number | boolean>;
  status: { code: string; description: string };
  events: { name: string; attributes: Record<string, string | number> }[];
}

/** What the Go peer prints when it is done. */
export interface GoReport {
  error?: string;
  code?: number;
  spans: GoSpan[];
}

function lastJson(out: string): GoReport {
  const line = out
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`ttrpc-otel-peer printed no report: ${out}`);
  return JSON.parse(line) as GoReport;
}

/** A Go server with otelttrpc's server interceptor; `stop` returns its spans. */
export interface GoOtelServer {
  stop(): Promise<GoReport>;
}

/** Starts `ttrpc-otel-peer -serve socket`; resolves once it printed READY. */
export function startGoOtelServer(socket: string): Promise<GoOtelServer> {
  const child: ChildProcess = spawn(goOtelPeerBin, ["-serve", socket], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("ttrpc-otel-peer did not print READY within 10 s")), 10_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("READY")) {
        clearTimeout(timer);
        resolve({
          async stop() {
            // Closing stdin asks the peer to stop and print its spans.
            child.stdin?.end();
            const code = await exited;
            if (code !== 0) throw new Error(`ttrpc-otel-peer exited with ${code}`);
            return lastJson(out);
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!out.includes("READY")) reject(new Error(`ttrpc-otel-peer exited early with ${code}`));
    });
  });
}

/** Runs `ttrpc-otel-peer -call socket -method ...`: a "go-parent" span around one traced call. */
export function runGoOtelCall(socket: string, method: "EchoEmpty" | "Fail", code = 0, message = ""): Promise<GoReport> {
  const args = ["-call", socket, "-method", method, "-code", String(code), "-message", message];
  return new Promise((resolve, reject) => {
    const child = spawn(goOtelPeerBin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (exit) => {
      if (exit !== 0) reject(new Error(`ttrpc-otel-peer -call exited with ${exit}: ${err}`));
      else resolve(lastJson(out));
    });
  });
}
