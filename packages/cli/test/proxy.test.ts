// End to end: `ttrpc call` → `ttrpc proxy` → server (TypeScript and Go).
// The calls still work through the proxy, and the proxy lists every one.
import assert from "node:assert/strict";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { jsonLines, runCli, spawnCli } from "./helpers/cli.js";
import { PROTO_ARGS } from "./helpers/schemas.js";
import { goServerUnavailable, IN_CI, type ServerKind, startServer } from "./helpers/servers.js";

const work = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-proxy-"));
after(() => rmSync(work, { recursive: true, force: true }));
const goUnavailable = goServerUnavailable();

/** Starts `ttrpc proxy` and waits until it listens. */
async function startProxy(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; banner: string; stop(): Promise<string> }> {
  const child = spawnCli(["proxy", ...args]);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`proxy did not start: ${stderr}`)), 15_000);
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (stderr.includes("listening on")) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`proxy exited with ${code}: ${stderr}`));
    });
  });
  return {
    child,
    banner: stderr,
    async stop() {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, `proxy exit status; stderr: ${stderr}`);
      return stdout;
    },
  };
}

for (const kind of ["ts", "go"] as const satisfies readonly ServerKind[]) {
  const skip = kind === "go" && goUnavailable && !IN_CI ? goUnavailable : false;
  describe(`ttrpc proxy in front of the ${kind === "ts" ? "TypeScript" : "Go"} server`, { skip }, () => {
    it("forwards unary, server-streaming and bidi calls and prints each, decoded with the schema", async (t) => {
      const sock = path.join(work, `${kind}.sock`);
      const tap = path.join(work, `${kind}-tap.sock`);
      const server = await startServer(kind, sock);
      t.after(() => server.close());
      const proxy = await startProxy(["--listen", tap, "--to", sock, ...PROTO_ARGS]);
      t.after(() => proxy.child.kill("SIGKILL"));

      const unary = await runCli([
        "call",
        tap,
        "Streaming/Echo",
        '{"seq": 41, "msg": "hi"}',
        "-m",
        "tenant=acme",
        "-t",
        "5s",
        ...PROTO_ARGS,
      ]);
      assert.equal(unary.code, 0, unary.stderr);
      assert.deepEqual(jsonLines(unary.stdout), [{ seq: 42, msg: "hi" }]);
      const divide = await runCli(["call", tap, "Streaming/DivideStream", '{"sum": 6, "num": 3}', ...PROTO_ARGS]);
      assert.equal(divide.code, 0, divide.stderr);
      const parts = jsonLines(divide.stdout).length;
      assert.ok(parts > 1, divide.stdout);
      const bidi = await runCli(["call", tap, "Streaming/EchoStream", ...PROTO_ARGS], {
        stdin: '{"seq": 1, "msg": "a"}\n{"seq": 3, "msg": "b"}\n',
      });
      assert.equal(bidi.code, 0, bidi.stderr);
      assert.deepEqual(jsonLines(bidi.stdout), [
        { seq: 2, msg: "a" },
        { seq: 4, msg: "b" },
      ]);
      const missing = await runCli(["call", tap, "ttrpc.cli.test.v1.Missing/Nope", "{}", ...PROTO_ARGS]);
      assert.notEqual(missing.code, 0);

      const out = await proxy.stop();
      t.diagnostic(`proxy output:\n${out}`);
      const lines = out.trimEnd().split("\n");
      const has = (re: RegExp): void =>
        assert.ok(
          lines.some((l) => re.test(l)),
          `no line matching ${re} in:\n${out}`,
        );
      // Unary: method, metadata, timeout, request, response, status with time.
      has(/^\[1\] #1 → ttrpc\.integration\.streaming\.Streaming\/Echo metadata \{"tenant":\["acme"\]\} timeout \d+(\.\d+)?ms$/);
      has(/^\[1\] #1 → \{"seq":41,"msg":"hi"\}$/);
      has(/^\[1\] #1 ← \{"seq":42,"msg":"hi"\}$/);
      has(/^\[1\] #1 ← OK in \d+(\.\d+)?ms$/);
      // Server streaming: every part the client printed, then OK.
      has(/^\[2\] #1 → ttrpc\.integration\.streaming\.Streaming\/DivideStream$/);
      has(/^\[2\] #1 → \{"sum":6,"num":3\}$/);
      assert.equal(lines.filter((l) => /^\[2\] #1 ← \{.*\}$/.test(l)).length, parts, out);
      has(/^\[2\] #1 ← OK in /);
      // Bidi: opened as a stream, messages both ways, the client's end of stream.
      has(/^\[3\] #1 → ttrpc\.integration\.streaming\.Streaming\/EchoStream \(stream open\)$/);
      has(/^\[3\] #1 → \{"seq":1,"msg":"a"\}$/);
      has(/^\[3\] #1 ← \{"seq":4,"msg":"b"\}$/);
      has(/^\[3\] #1 → end of stream$/);
      has(/^\[3\] #1 ← OK in /);
      // A failed call: its status.
      has(/^\[4\] #1 ← UNIMPLEMENTED \(12\): service ttrpc\.cli\.test\.v1\.Missing in /);
      for (let c = 1; c <= 4; c++) has(new RegExp(`^\\[${c}\\] closed by the client$`));
    });
  });
}

describe("ttrpc proxy without a schema", () => {
  it("prints methods and status, messages as size and hex", async (t) => {
    const sock = path.join(work, "plain.sock");
    const server = await startServer("ts", sock);
    t.after(() => server.close());
    const proxy = await startProxy(["--listen", "tcp://127.0.0.1:0", "--to", sock]);
    t.after(() => proxy.child.kill("SIGKILL"));
    const tap = /listening on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(proxy.banner)?.[1];
    assert.ok(tap, proxy.banner);
    assert.match(proxy.banner, /no schema: messages shown as bytes/);
    const r = await runCli(["call", tap, "Streaming/Echo", '{"seq": 1, "msg": "x"}', ...PROTO_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    const out = await proxy.stop();
    const lines = out.trimEnd().split("\n");
    // EchoPayload{seq: 1, msg: "x"} is 08 01 12 01 78; the answer has seq 2.
    assert.deepEqual(
      lines.filter((l) => l.startsWith("[1] #1")).map((l) => l.replace(/in [\d.]+ms/, "in Tms")),
      [
        "[1] #1 → ttrpc.integration.streaming.Streaming/Echo",
        "[1] #1 → 5 bytes: 0801120178",
        "[1] #1 ← 5 bytes: 0802120178",
        "[1] #1 ← OK in Tms",
      ],
    );
  });
});
