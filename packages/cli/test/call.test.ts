// End-to-end tests of `ttrpc call`: the built binary against the TypeScript
// test server and the Go interop server (containerd/ttrpc).

import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { jsonLines, nextLine, runCli, spawnCli } from "./helpers/cli.js";
import { FIXTURE_DIR } from "./helpers/paths.js";
import { buildDescriptorSets, type DescriptorSets, PROTO_ARGS } from "./helpers/schemas.js";
import { goServerUnavailable, IN_CI, type ServerKind, startServer, type TestServer } from "./helpers/servers.js";

const work = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-call-"));
let sets: DescriptorSets;

before(async () => {
  sets = await buildDescriptorSets(work);
});
after(() => rmSync(work, { recursive: true, force: true }));

const goUnavailable = goServerUnavailable();
if (goUnavailable && !IN_CI) {
  process.stderr.write(`\n*** SKIPPING the Go server tests: ${goUnavailable}\n\n`);
}

/** Asserts a one-line error on stderr, without a stack trace. */
function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0] ?? "", pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

for (const kind of ["ts", "go"] as const satisfies readonly ServerKind[]) {
  const skip = kind === "go" && goUnavailable && !IN_CI ? goUnavailable : false;

  describe(`ttrpc call against the ${kind === "ts" ? "TypeScript" : "Go"} server`, { skip }, () => {
    let server: TestServer;
    let abstractServer: TestServer;
    const sock = path.join(work, `${kind}.sock`);
    const abstractName = `@ttrpc-cli-test-${kind}-${process.pid}-${Date.now()}`;
    const call = (method: string, ...rest: string[]) => runCli(["call", sock, method, ...rest, ...PROTO_ARGS]);

    before(async () => {
      if (kind === "go" && goUnavailable) throw new Error(`CI=true but the Go interop server is unavailable: ${goUnavailable}`);
      server = await startServer(kind, sock);
      abstractServer = await startServer(kind, abstractName);
    });
    after(async () => {
      await server?.close();
      await abstractServer?.close();
    });

    describe("unary", () => {
      it("sends the JSON argument and prints the response as one JSON line", async () => {
        const r = await call("ttrpc.integration.streaming.Streaming/Echo", '{"seq": 41, "msg": "hi"}');
        assert.equal(r.stderr, "");
        assert.equal(r.code, 0);
        assert.equal(r.stdout, '{"seq":42,"msg":"hi"}\n');
      });

      it("maps every field kind through JSON both ways (Interop/Echo)", async () => {
        const request = {
          fDouble: "NaN",
          fFloat: 1.5,
          fInt32: -7,
          fInt64: "-9007199254740993",
          fUint64: "18446744073709551615",
          fSint64: "-5",
          fFixed64: "12",
          fBool: true,
          fString: "héllo",
          fBytes: "AQID/w==",
          fEnum: "COLOR_NEGATIVE",
          fNested: { name: "n", inner: { tags: ["a", "b"], counter: "-3" }, child: { value: 2 } },
          rInt64: ["1", "-2"],
          rEnum: ["COLOR_RED", "COLOR_BLUE"],
          rNested: [{ name: "x" }, {}],
          mString: { k: "v" },
          mNested: { "7": { name: "seven" } },
          oNested: { name: "in-oneof" },
          optInt32: 0,
          fMaxField: 1,
        };
        const r = await call("ttrpc.interop.v1.Interop/Echo", JSON.stringify(request));
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), request);
      });

      it("reads the request from -d JSON, -d @file and stdin", async () => {
        const file = path.join(work, `${kind}-req.json`);
        writeFileSync(file, '{\n  "seq": 1,\n  "msg": "from a file"\n}\n');
        const viaData = await call("Streaming/Echo", "-d", '{"seq": 1, "msg": "d"}');
        const viaFile = await call("Streaming/Echo", "-d", `@${file}`);
        const viaStdin = await runCli(["call", sock, "Streaming/Echo", ...PROTO_ARGS], { stdin: '{"seq": 1, "msg": "stdin"}' });
        const viaDash = await runCli(["call", sock, "Streaming/Echo", "-d", "@-", ...PROTO_ARGS], { stdin: '{"msg": "dash"}' });
        assert.equal(viaData.stdout, '{"seq":2,"msg":"d"}\n');
        assert.equal(viaFile.stdout, '{"seq":2,"msg":"from a file"}\n');
        assert.equal(viaStdin.stdout, '{"seq":2,"msg":"stdin"}\n');
        assert.equal(viaDash.stdout, '{"seq":1,"msg":"dash"}\n');
      });

      it("sends an empty message when stdin is empty, and prints {} for an empty response", async () => {
        const r = await call("ttrpc.interop.v1.Interop/EchoEmpty");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "{}\n");
      });

      it("honours --emit-defaults, --proto-field-names and --pretty", async () => {
        const r = await call("ttrpc.interop.v1.Interop/Deadline", "--emit-defaults", "--proto-field-names", "--pretty");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '{\n  "has_deadline": false,\n  "remaining_ms": "0"\n}\n');
      });
    });

    describe("streaming", () => {
      it("server-streaming: prints one JSON line per message", async () => {
        const r = await call("ttrpc.integration.streaming.Streaming/DivideStream", '{"sum": 392, "num": 30}');
        assert.equal(r.code, 0, r.stderr);
        const parts = jsonLines(r.stdout) as Array<{ add?: number }>;
        assert.equal(parts.length, 32);
        assert.deepEqual(parts[0], {});
        assert.deepEqual(parts[1], { add: 14 });
        assert.deepEqual(parts[31], {});
        assert.equal(
          parts.reduce((s, p) => s + (p.add ?? 0), 0),
          392,
        );
      });

      it("server-streaming with an Empty request", async () => {
        const r = await call("ttrpc.integration.streaming.Streaming/EmptyPayloadStream");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(jsonLines(r.stdout), [{ seq: 1 }, { seq: 2 }]);
      });

      it("client-streaming: sends one request per stdin line (blank lines skipped)", async () => {
        const r = await runCli(["call", sock, "Streaming/SumStream", ...PROTO_ARGS], {
          stdin: '{"add": 1}\n\n{"add": 2}\r\n{}\n{"add": -10}',
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '{"sum":-7,"num":4}\n');
      });

      it("client-streaming: reads newline-delimited requests from -d @file", async () => {
        const file = path.join(work, `${kind}-parts.ndjson`);
        writeFileSync(file, '{"add": 5}\n{"add": 6}\n');
        const r = await call("Streaming/SumStream", "-d", `@${file}`);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '{"sum":11,"num":2}\n');
      });

      it("client-streaming: no input sends an empty stream", async () => {
        const r = await call("Streaming/SumStream");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "{}\n");
      });

      it("bidi: echoes each request, in order", async () => {
        const r = await runCli(["call", sock, "Streaming/EchoStream", ...PROTO_ARGS], {
          stdin: '{"seq": 1, "msg": "a"}\n{"seq": 10}\n{"seq": 100, "msg": "c"}\n',
        });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(jsonLines(r.stdout), [{ seq: 2, msg: "a" }, { seq: 11 }, { seq: 101, msg: "c" }]);
      });

      it("bidi: prints each response as it arrives, before stdin ends", async () => {
        const child = spawnCli(["call", sock, "Streaming/EchoStream", ...PROTO_ARGS]);
        const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
        child.stdin.write('{"seq": 1, "msg": "first"}\n');
        assert.equal(await nextLine(child), '{"seq":2,"msg":"first"}');
        child.stdin.write('{"seq": 2, "msg": "second"}\n');
        assert.equal(await nextLine(child), '{"seq":3,"msg":"second"}');
        child.stdin.end();
        assert.equal(await exited, 0);
      });

      it("bidi: many Empty responses per request (EchoNullStream)", async () => {
        const r = await runCli(["call", sock, "Streaming/EchoNullStream", ...PROTO_ARGS], {
          stdin: '{"seq": 0}\n{"seq": 1}\n{"seq": 2}\n',
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(jsonLines(r.stdout).length, 30);
        assert.ok(jsonLines(r.stdout).every((m) => JSON.stringify(m) === "{}"));
      });
    });

    describe("metadata and timeouts", () => {
      it("sends --metadata pairs (repeated keys, values containing =)", async () => {
        const r = await call(
          "ttrpc.interop.v1.Interop/Metadata",
          "-m",
          "foo=bar",
          "--metadata",
          "foo=baz",
          "-m",
          "x-token=a=b",
          "-m",
          "empty=",
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), {
          entries: [
            { key: "empty", values: [""] },
            { key: "foo", values: ["bar", "baz"] },
            { key: "x-token", values: ["a=b"] },
          ],
        });
      });

      it("sends --timeout to the server as the call's deadline", async () => {
        const r = await call("ttrpc.interop.v1.Interop/Deadline", "--timeout", "5s");
        assert.equal(r.code, 0, r.stderr);
        const reply = JSON.parse(r.stdout) as { hasDeadline: boolean; remainingMs: string };
        assert.equal(reply.hasDeadline, true);
        assert.ok(Number(reply.remainingMs) > 3000 && Number(reply.remainingMs) <= 5000, r.stdout);
      });

      it("ends a call that outlives --timeout with DEADLINE_EXCEEDED (exit 68)", async () => {
        // The server would answer OK after an hour: DEADLINE_EXCEEDED can only
        // come from the 300 ms deadline (no wall-clock bound: the machine may be busy).
        const r = await call("ttrpc.interop.v1.Interop/Sleep", '{"ms": "3600000"}', "--timeout", "300ms");
        assert.equal(r.code, 68, r.stderr);
        assert.equal(r.stdout, "");
        assertOneLineError(r.stderr, /^ttrpc: call failed: DEADLINE_EXCEEDED \(4\): /);
      });

      it("applies --timeout to streams too", async () => {
        // An endless stream: only the deadline can end it with exit 68. How many
        // messages arrive first depends on the machine's load, so only their form is checked.
        const r = await call("ttrpc.interop.v1.Interop/Ticker", '{"count": 0, "intervalMs": 20}', "-t", "0.5");
        assert.equal(r.code, 68, r.stderr);
        const ticks = jsonLines(r.stdout) as Array<{ index?: number }>;
        for (const [i, tick] of ticks.entries()) assert.equal(tick.index ?? 0, i, r.stdout);
      });
    });

    describe("process behaviour", () => {
      it("Ctrl-C (SIGINT) ends a running stream with exit 130", async () => {
        const child = spawnCli(["call", sock, "ttrpc.interop.v1.Interop/Ticker", '{"count": 0, "intervalMs": 20}', ...PROTO_ARGS]);
        const closed = once(child, "close");
        child.stdin.end();
        assert.equal(await nextLine(child), "{}");
        child.kill("SIGINT");
        const [code] = await closed;
        assert.equal(code, 130);
      });

      it("stops quietly (exit 0) when the reader of stdout goes away", async () => {
        const child = spawnCli(["call", sock, "ttrpc.interop.v1.Interop/Ticker", '{"count": 0, "intervalMs": 2}', ...PROTO_ARGS]);
        const closed = once(child, "close");
        child.stdin.end();
        await nextLine(child);
        child.stdout.destroy();
        const [code] = await closed;
        assert.equal(code, 0);
      });

      it("--max-message-size limits the request size (RESOURCE_EXHAUSTED, exit 72)", async () => {
        const big = JSON.stringify({ seq: 1, msg: "x".repeat(200) });
        const r = await call("Streaming/Echo", big, "--max-message-size", "128");
        assert.equal(r.code, 72, r.stderr);
        assertOneLineError(r.stderr, /^ttrpc: call failed: RESOURCE_EXHAUSTED \(8\): /);
        const ok = await call("Streaming/Echo", big, "--max-message-size", "1KiB");
        assert.equal(ok.code, 0, ok.stderr);
      });
    });

    describe("status errors", () => {
      it("prints code name, number, message and decoded details; exits 64 + code", async () => {
        const r = await call("ttrpc.interop.v1.Interop/Fail", '{"code": 5, "message": "thing x not found", "withDetail": true}');
        assert.equal(r.code, 69);
        assert.equal(r.stdout, "");
        assert.equal(
          r.stderr,
          "ttrpc: call failed: NOT_FOUND (5): thing x not found\n" +
            '  detail: {"@type":"type.googleapis.com/ttrpc.interop.v1.ErrorDetail","reason":"thing x not found","number":"5"}\n',
        );
      });

      it("shows a detail whose type is not in the schema as type URL and base64", async () => {
        const failOnly = path.join(FIXTURE_DIR, "proto-fail-only", "fail_only.proto");
        const r = await runCli([
          "call",
          sock,
          "ttrpc.interop.v1.Interop/Fail",
          '{"code": 9, "message": "no", "withDetail": true}',
          "--proto",
          failOnly,
        ]);
        assert.equal(r.code, 73);
        // ErrorDetail{reason: "no", number: 9} = 0a 02 6e 6f 10 09
        assert.equal(
          r.stderr,
          "ttrpc: call failed: FAILED_PRECONDITION (9): no\n" +
            "  detail: type.googleapis.com/ttrpc.interop.v1.ErrorDetail (type not in the schema) base64:CgJubxAJ\n",
        );
      });

      it("without details prints just the status line (exit 67 for INVALID_ARGUMENT)", async () => {
        const r = await call("ttrpc.interop.v1.Interop/Fail", '{"code": 3, "message": "bad thing"}');
        assert.equal(r.code, 67);
        assert.equal(r.stderr, "ttrpc: call failed: INVALID_ARGUMENT (3): bad thing\n");
      });

      it("a server-streaming error after some messages: messages on stdout, status on stderr", async () => {
        const r = await call("ttrpc.interop.v1.Interop/StreamError", '{"count": 2, "code": 10, "message": "aborted by test"}');
        assert.equal(r.code, 74);
        assert.deepEqual(jsonLines(r.stdout), [{}, { index: 1 }]);
        assert.equal(r.stderr, "ttrpc: call failed: ABORTED (10): aborted by test\n");
      });

      it("a service the server lacks: UNIMPLEMENTED from the server (exit 76)", async () => {
        const r = await call("ttrpc.cli.test.v1.Missing/Nope");
        assert.equal(r.code, 76);
        assertOneLineError(r.stderr, /^ttrpc: call failed: UNIMPLEMENTED \(12\): .*ttrpc\.cli\.test\.v1\.Missing/);
      });
    });

    describe("bad input and unknown names (exit 1, one line)", () => {
      it("invalid JSON syntax", async () => {
        const r = await call("Streaming/Echo", '{"seq": ');
        assert.equal(r.code, 1);
        assertOneLineError(r.stderr, /^ttrpc: invalid JSON in the JSON argument: /);
      });

      it("JSON that does not match the message", async () => {
        const unknown = await call("Streaming/Echo", '{"nope": 1}');
        assert.equal(unknown.code, 1);
        assertOneLineError(unknown.stderr, /^ttrpc: invalid request in the JSON argument: .*"nope"/);
        const wrongType = await call("Streaming/Echo", '{"seq": "many"}');
        assert.equal(wrongType.code, 1);
        assertOneLineError(wrongType.stderr, /^ttrpc: invalid request in the JSON argument: .*seq/);
      });

      it("a bad line in a request stream names the line and ends the call", async () => {
        const r = await runCli(["call", sock, "Streaming/SumStream", ...PROTO_ARGS], { stdin: '{"add": 1}\n{"add": oops}\n{"add": 2}\n' });
        assert.equal(r.code, 1);
        assertOneLineError(r.stderr, /^ttrpc: invalid JSON in stdin line 2: /);
      });

      it("an unknown service", async () => {
        const r = await call("no.such.Service/Method", "{}");
        assert.equal(r.code, 1);
        assertOneLineError(
          r.stderr,
          /^ttrpc: unknown service "no\.such\.Service": not in the given schemas \(services: .*ttrpc\.interop\.v1\.Interop/,
        );
      });

      it("an unknown method, with a hint", async () => {
        const r = await call("ttrpc.interop.v1.Interop/Nope", "{}");
        assert.equal(r.code, 1);
        assertOneLineError(r.stderr, /^ttrpc: service ttrpc\.interop\.v1\.Interop has no method "Nope" \(methods: Echo, /);
        const cased = await call("ttrpc.interop.v1.Interop/echo", "{}");
        assertOneLineError(cased.stderr, /did you mean Echo\?/);
      });
    });

    describe("addresses and schemas", () => {
      it("accepts unix://path", async () => {
        const r = await runCli(["call", `unix://${sock}`, "Streaming/Echo", '{"seq": 1}', ...PROTO_ARGS]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '{"seq":2}\n');
      });

      it("accepts @abstract", async () => {
        const r = await runCli(["call", abstractName, "Streaming/Echo", '{"seq": 7}', ...PROTO_ARGS]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '{"seq":8}\n');
        const stream = await runCli(["call", abstractName, "Streaming/EchoStream", ...PROTO_ARGS], { stdin: '{"seq": 1}\n{"seq": 2}\n' });
        assert.equal(stream.code, 0, stream.stderr);
        assert.deepEqual(jsonLines(stream.stdout), [{ seq: 2 }, { seq: 3 }]);
      });

      it("takes the schema from a binary descriptor set", async () => {
        const r = await runCli([
          "call",
          sock,
          "ttrpc.interop.v1.Interop/Fail",
          '{"code": 5, "message": "m", "withDetail": true}',
          "--descriptor-set",
          sets.binary,
        ]);
        assert.equal(r.code, 69);
        assert.match(r.stderr, /detail: \{"@type":"type\.googleapis\.com\/ttrpc\.interop\.v1\.ErrorDetail","reason":"m","number":"5"\}/);
        const stream = await runCli(["call", sock, "Streaming/SumStream", "--descriptor-set", sets.binary], {
          stdin: '{"add": 2}\n{"add": 3}\n',
        });
        assert.equal(stream.stdout, '{"sum":5,"num":2}\n');
      });

      it("takes the schema from a JSON descriptor set and from one without imports", async () => {
        for (const set of [sets.json, sets.noImports]) {
          const r = await runCli(["call", sock, "Streaming/DivideStream", '{"sum": 4, "num": 2}', "--descriptor-set", set]);
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(jsonLines(r.stdout), [{}, { add: 2 }, { add: 2 }, {}]);
        }
      });
    });
  });
}

describe("ttrpc call without a server", () => {
  const P = PROTO_ARGS;

  it("a missing socket: exit 2, one line", async () => {
    const r = await runCli(["call", path.join(work, "absent.sock"), "Streaming/Echo", "{}", ...P]);
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /^ttrpc: cannot reach the server: connect .*absent\.sock: no such socket/);
  });

  it("a path that is not a listening socket: exit 2", async () => {
    const file = path.join(work, "not-a-socket");
    writeFileSync(file, "");
    const r = await runCli(["call", file, "Streaming/Echo", "{}", ...P]);
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /^ttrpc: cannot reach the server: connect .*not-a-socket: connection refused/);
  });

  it("an abstract name nobody listens on: exit 2", async () => {
    const r = await runCli(["call", `@ttrpc-cli-test-nobody-${process.pid}`, "Streaming/Echo", "{}", ...P]);
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /connection refused/);
  });

  it("an unsupported address scheme: exit 1", async () => {
    const r = await runCli(["call", "vsock://3:1024", "Streaming/Echo", "{}", ...P]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /^ttrpc: invalid address: /);
  });

  it("bad JSON is reported before connecting (exit 1, not 2)", async () => {
    const r = await runCli(["call", path.join(work, "absent.sock"), "Streaming/Echo", "{oops", ...P]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /invalid JSON/);
  });

  it("bad option values: exit 1", async () => {
    const echo = ["call", "/x.sock", "Streaming/Echo"];
    const cases: Array<[string[], RegExp]> = [
      [[...echo, "--timeout", "soon"], /invalid --timeout "soon"/],
      [[...echo, "--timeout", "0s"], /must be greater than zero/],
      [[...echo, "--connect-timeout", "-1"], /invalid --connect-timeout/],
      [[...echo, "--max-message-size", "lots"], /invalid --max-message-size/],
      [[...echo, "-m", "novalue"], /invalid metadata "novalue": expected key=value/],
      [[...echo, "-d", "@/nonexistent/req.json"], /cannot read request file \/nonexistent\/req\.json: no such file/],
      [[...echo, "{}", "-d", "{}"], /either as the JSON argument or with -d/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli([...args, ...P]);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assertOneLineError(r.stderr, pattern);
    }
  });
});
