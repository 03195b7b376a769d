// The short soak run (`npm run soak`), in CI. The long run
// is `npm run soak -- --calls 1000000`.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

it("soak (short mode): every call answered once, no error, memory back to baseline", async (t) => {
  const child = spawn(
    process.execPath,
    ["--conditions=@ttrpc-ts/source", "--import", "tsx", "bench/soak/soak.ts", "--calls", "50000", "--json"],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (b: Buffer) => {
    out += b.toString();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(killer);
  const summary = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
    calls: number;
    errors: number;
    lost: number;
    duplicated: number;
    serverHandled: number;
    callsPerSecond: number;
    rssBefore: number;
    rssPeak: number;
    rssAfter: number;
    checks: Record<string, boolean>;
  };
  const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
  t.diagnostic(
    `${summary.calls} calls, ${summary.errors} errors, ${summary.lost} lost, ${summary.duplicated} duplicated, ${summary.callsPerSecond} calls/s; ` +
      `server RSS before ${mib(summary.rssBefore)}, peak ${mib(summary.rssPeak)}, after ${mib(summary.rssAfter)}`,
  );
  assert.equal(summary.calls, 50_000);
  assert.equal(summary.errors, 0);
  assert.equal(summary.lost, 0);
  assert.equal(summary.duplicated, 0);
  assert.equal(summary.serverHandled, 50_000);
  for (const [check, ok] of Object.entries(summary.checks)) assert.ok(ok, `soak check failed: ${check}`);
  assert.equal(code, 0);
});
