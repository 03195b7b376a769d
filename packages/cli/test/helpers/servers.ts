import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { startTsServer } from "../fixtures/ts-server.js";
import { GO_BUILD_SCRIPT, GO_SERVER_BIN } from "./paths.js";

/** Which implementation serves the interop services. */
export type ServerKind = "ts" | "go";

/** A running test server. */
export interface TestServer {
  readonly kind: ServerKind;
  readonly address: string;
  close(): Promise<void>;
}

/** Whether this run is in CI, where a missing Go server is a failure, not a skip. */
export const IN_CI = process.env.CI === "true";

let goState: { reason: string | undefined } | undefined;

/**
 * Why the Go interop server cannot be used, or undefined when it can.
 * Builds it with interop/go/build.sh when the binary is missing and a Go
 * toolchain is on PATH.
 */
export function goServerUnavailable(): string | undefined {
  if (goState) return goState.reason;
  let reason: string | undefined;
  if (process.env.TTRPC_CLI_TEST_GO_SERVER) {
    // An explicit binary (also how the skip/fail logic itself is checked).
    if (!existsSync(goServerBin())) reason = `TTRPC_CLI_TEST_GO_SERVER=${goServerBin()} does not exist`;
  } else if (!existsSync(GO_SERVER_BIN)) {
    try {
      execFileSync("go", ["version"], { stdio: "ignore" });
      execFileSync(GO_BUILD_SCRIPT, { stdio: ["ignore", "ignore", "pipe"] });
    } catch (e) {
      reason = `the Go interop server ${GO_SERVER_BIN} is missing and could not be built (${(e as Error).message.split("\n")[0]}); install Go and run interop/go/build.sh`;
    }
    if (!reason && !existsSync(GO_SERVER_BIN)) reason = `interop/go/build.sh did not produce ${GO_SERVER_BIN}`;
  }
  goState = { reason };
  return reason;
}

/** Starts a server of `kind` listening on `address` (a path or `@name`). */
export async function startServer(kind: ServerKind, address: string): Promise<TestServer> {
  if (kind === "ts") {
    const s = await startTsServer(address);
    return { kind, address, close: () => s.close() };
  }
  return startGoServer(address);
}

async function startGoServer(address: string): Promise<TestServer> {
  // stdin stays a pipe: the server exits when it closes, even if this process dies.
  const child = spawn(goServerBin(), ["-socket", address, "-quiet"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Go server did not print READY within 10 s; stderr: ${stderr}`)), 10_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("READY")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Go server exited with ${code} before READY; stderr: ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    kind: "go",
    address,
    close: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function goServerBin(): string {
  return process.env.TTRPC_CLI_TEST_GO_SERVER || GO_SERVER_BIN;
}
