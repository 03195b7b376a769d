import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./server-child.ts", import.meta.url));

/** A test server running in a child process. */
export interface ChildServer {
  readonly child: ChildProcess;
  /** Resolves with the exit code or signal once the process has gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/** Starts `server-child.ts` on `path` and waits (up to 20 s) until it listens. */
export async function startChildServer(path: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", script, path], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error("child server did not start within 20 s")), 20_000);
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("ready")) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`child server exited with ${code} before it was ready: ${out}`));
    });
  });
  return {
    child,
    exited,
    async kill(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
