import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { CLI_BIN, REPO_ROOT } from "./paths.js";

/** What a finished CLI run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Options for {@link runCli}. */
export interface RunOptions {
  /** Written to stdin, which is then closed. Default: stdin closed at once (empty). */
  stdin?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the run after this long. Default 20 s. */
  timeoutMs?: number;
}

function assertBuilt(): void {
  if (!existsSync(CLI_BIN)) {
    throw new Error(`${CLI_BIN} is missing: run \`npm run build\` (root) or \`npm test -w @ttrpc-ts/cli\`, which builds it`);
  }
}

/**
 * Starts the built `ttrpc` binary under plain node (no tsx, no source
 * condition), as a user would run it.
 */
export function spawnCli(args: readonly string[], options: RunOptions = {}): ChildProcessWithoutNullStreams {
  assertBuilt();
  const env = { ...process.env, ...options.env };
  // The test runner's own flags (tsx, the source condition) must not leak in.
  delete env.NODE_OPTIONS;
  return spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: "pipe" });
}

/** Runs the built `ttrpc` binary to completion. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawnCli(args, options);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  child.stdin.on("error", () => {});
  child.stdin.end(options.stdin ?? "");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`ttrpc ${args.join(" ")} did not finish within ${options.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, options.timeoutMs ?? 20_000);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Parses newline-delimited JSON output. */
export function jsonLines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
}

/** Resolves with the next full line `child` writes to stdout. */
export function nextLine(child: ChildProcessWithoutNullStreams, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      child.stdout.off("data", onData);
      reject(new Error(`no output line within ${timeoutMs} ms (got ${JSON.stringify(buffered)})`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      buffered += d.toString("utf8");
      const nl = buffered.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout.off("data", onData);
      const rest = buffered.slice(nl + 1);
      if (rest) child.stdout.unshift(Buffer.from(rest));
      resolve(buffered.slice(0, nl));
    };
    child.stdout.on("data", onData);
  });
}
