// What makes `ttrpc` feel like grpcurl / buf curl: buf optional, -H, -v,
// pretty output on a terminal, shell completion, the schema set once in
// TTRPC_SCHEMA and cached compiled schemas, and one error prefix.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { main } from "../src/program.js";
import { findBuf, NO_BUF } from "../src/schema/find-buf.js";
import { runCli } from "./helpers/cli.js";
import { INTEROP_PROTO } from "./helpers/paths.js";
import { buildDescriptorSets, type DescriptorSets, PROTO_ARGS } from "./helpers/schemas.js";
import { startServer, type TestServer } from "./helpers/servers.js";

const work = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-like-"));
const sock = path.join(work, "ts.sock");
let sets: DescriptorSets;
let server: TestServer;

before(async () => {
  sets = await buildDescriptorSets(work);
  server = await startServer("ts", sock);
});
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const ECHO = "ttrpc.integration.streaming.Streaming/Echo";
const SCHEMA = `-I ${INTEROP_PROTO} --proto ttrpc/integration/streaming/test.proto --proto ttrpc/interop/v1/interop.proto`;

describe("buf is optional", () => {
  it("descriptor sets work without any buf", async () => {
    const r = await runCli(["call", sock, ECHO, '{"seq": 1}', "--descriptor-set", sets.binary], {
      env: { TTRPC_BUF: "", PATH: "/nonexistent" },
    });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, '{"seq":2}\n');
  });

  it("without buf, --proto fails with one line naming the fix", () => {
    assert.throws(
      () =>
        findBuf({
          env: { PATH: work },
          resolve: () => {
            throw new Error("Cannot find module");
          },
        }),
      (e: Error) => e.message === NO_BUF && /npm install -g @bufbuild\/buf/.test(e.message) && /--descriptor-set/.test(e.message),
    );
  });

  it("finds buf on PATH when the npm package is absent", () => {
    const bin = path.join(work, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "buf"), "#!/bin/sh\n", { mode: 0o755 });
    const found = findBuf({
      env: { PATH: bin },
      resolve: () => {
        throw new Error("Cannot find module");
      },
    });
    assert.equal(found.program, path.join(bin, "buf"));
  });

  it("a TTRPC_BUF that cannot run gives one line, no stack trace", async () => {
    const r = await runCli(["list", ...PROTO_ARGS], { env: { TTRPC_BUF: path.join(work, "no-such-buf"), TTRPC_CACHE_DIR: "off" } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ttrpc: cannot run the buf compiler \(.*no-such-buf\): .*ENOENT.*\n$/);
  });
});

describe("call options", () => {
  it("-H is -m, and takes grpcurl's 'key: value' form", async () => {
    const r = await runCli(["call", sock, "Interop/Metadata", "-H", "tenant: acme", "-m", "tag=a", "-H", "tag=b", ...PROTO_ARGS]);
    assert.equal(r.stderr, "");
    assert.deepEqual(JSON.parse(r.stdout), {
      entries: [
        { key: "tag", values: ["a", "b"] },
        { key: "tenant", values: ["acme"] },
      ],
    });
  });

  it("-v prints method, request metadata, timeout and timing on stderr; stdout is unchanged", async () => {
    const r = await runCli(["call", sock, ECHO, '{"seq": 1}', "-v", "-H", "Tenant: acme", "--timeout", "2s", ...PROTO_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"seq":2}\n');
    const lines = r.stderr.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^\* method ttrpc\.integration\.streaming\.Streaming\/Echo \(unary\), schema loaded \(\d+\.\d ms\)$/);
    assert.match(lines[1] ?? "", /^\* connected to .*ts\.sock \(\d+\.\d ms\)$/);
    assert.deepEqual(lines.slice(2, 4), ["> tenant: acme", "> timeout: 2000 ms (timeout_nano 2000000000)"]);
    assert.match(lines[4] ?? "", /^< response 1 \(\d+\.\d ms\)$/);
    assert.match(lines[5] ?? "", /^\* OK: 1 request sent, 1 response received in \d+\.\d ms/);
    assert.equal(lines.length, 6);
  });

  it("-v reports the status of a failed call", async () => {
    const r = await runCli(["call", sock, "Interop/Fail", '{"code": 5, "message": "gone"}', "-v", ...PROTO_ARGS]);
    assert.equal(r.code, 69);
    assert.match(r.stderr, /^\* NOT_FOUND: 1 request sent, 0 responses received in /m);
    assert.match(r.stderr, /^ttrpc: call failed: NOT_FOUND \(5\): gone$/m);
  });
});

describe("output format", () => {
  async function callInProcess(args: string[], isTTY: boolean): Promise<string> {
    const stdout = Object.assign(new PassThrough(), { isTTY });
    const stderr = new PassThrough();
    let out = "";
    stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const code = await main(["node", "ttrpc", "call", sock, ECHO, '{"seq": 1, "msg": "m"}', ...args, ...PROTO_ARGS], {
      stdin,
      stdout,
      stderr,
    });
    assert.equal(code, 0, stderr.read()?.toString());
    return out;
  }

  it("pretty on a terminal, compact in a pipe, either one on request", async () => {
    const pretty = '{\n  "seq": 2,\n  "msg": "m"\n}\n';
    const compact = '{"seq":2,"msg":"m"}\n';
    assert.equal(await callInProcess([], true), pretty);
    assert.equal(await callInProcess([], false), compact);
    assert.equal(await callInProcess(["--no-pretty"], true), compact);
    assert.equal(await callInProcess(["--pretty"], false), pretty);
  });
});

describe("ttrpc completion", () => {
  it("bash: completes commands and each command's options", async () => {
    const r = await runCli(["completion", "bash"]);
    assert.equal(r.code, 0, r.stderr);
    const script = path.join(work, "ttrpc.bash");
    writeFileSync(script, r.stdout);
    const complete = (...words: string[]): string[] =>
      execFileSync(
        "bash",
        [
          "-c",
          `source ${script}; COMP_WORDS=(ttrpc ${words.join(" ")}); COMP_CWORD=${words.length}; _ttrpc; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: "utf8" },
      )
        .split("\n")
        .filter((l) => l !== "");
    assert.deepEqual(complete("c"), ["call", "completion"]);
    assert.deepEqual(complete("call", "/s", "--me"), ["--metadata"]);
    assert.ok(complete("call", "/s", "-").includes("-H"));
    assert.deepEqual(complete("list", "--na"), ["--names"]);
    assert.deepEqual(complete("completion", "f"), ["fish"]);
  });

  it("zsh and fish scripts name every command", async () => {
    const zsh = await runCli(["completion", "zsh"]);
    assert.match(zsh.stdout, /^#compdef ttrpc\n/);
    assert.match(zsh.stdout, /bashcompinit/);
    const fish = await runCli(["completion", "fish"]);
    for (const cmd of ["call", "list", "describe", "completion"]) assert.match(fish.stdout, new RegExp(`-a ${cmd} -d`));
    assert.match(fish.stdout, /__fish_seen_subcommand_from call' -l header -s H -r -F/);
  });

  it("an unknown shell is a one-line error", async () => {
    const r = await runCli(["completion", "tcsh"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'ttrpc: completion: unknown shell "tcsh"; choose one of bash, zsh, fish\n');
  });
});

describe("schema set once, compiled once", () => {
  it("TTRPC_SCHEMA stands in for the schema options; the command line wins", async () => {
    const r = await runCli(["call", sock, ECHO, '{"seq": 1}'], { env: { TTRPC_SCHEMA: SCHEMA } });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, '{"seq":2}\n');
    const listed = await runCli(["list", "--names", "--descriptor-set", sets.binary], {
      env: { TTRPC_SCHEMA: "-I /nonexistent --proto x.proto" },
    });
    assert.equal(listed.code, 0, listed.stderr);
  });

  it("a bad TTRPC_SCHEMA is explained", async () => {
    const r = await runCli(["list"], { env: { TTRPC_SCHEMA: "--proto a.proto --bogus" } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'ttrpc: TTRPC_SCHEMA: unexpected "--bogus"; it holds --proto FILE, -I DIR and --descriptor-set FILE options\n');
  });

  it("a compiled schema is cached by content: the second run skips buf, an edit recompiles", async () => {
    const protos = path.join(work, "cached");
    cpSync(INTEROP_PROTO, protos, { recursive: true });
    const cache = path.join(work, "cache");
    // A buf wrapper that counts its runs.
    const counter = path.join(work, "buf-runs");
    const realBuf = findBuf().program;
    const wrapper = path.join(work, "counting-buf");
    writeFileSync(wrapper, `#!/bin/sh\necho run >> ${counter}\nexec ${realBuf} "$@"\n`, { mode: 0o755 });
    const env = { TTRPC_CACHE_DIR: cache, TTRPC_BUF: wrapper };
    const runs = (): number => {
      try {
        return execFileSync("cat", [counter], { encoding: "utf8" }).split("\n").filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    const list = () => runCli(["list", "--names", "-I", protos, "--proto", "ttrpc/integration/streaming/test.proto"], { env });
    const first = await list();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(runs(), 1);
    assert.equal(readdirSync(path.join(cache, "schemas")).length, 2, "a descriptor set and its manifest");
    const second = await list();
    assert.equal(second.stdout, first.stdout);
    assert.equal(runs(), 1, "the second run came from the cache");
    // Any change to a file the schema was built from recompiles it.
    const file = path.join(protos, "ttrpc/integration/streaming/test.proto");
    writeFileSync(file, `${execFileSync("cat", [file], { encoding: "utf8" })}\nservice Added { rpc Ping(Part) returns (Part); }\n`);
    const third = await list();
    assert.equal(runs(), 2);
    assert.match(third.stdout, /^ttrpc\.integration\.streaming\.Added\/Ping$/m);
  });
});

describe("one error prefix", () => {
  it("commander's own errors say ttrpc: too", async () => {
    for (const args of [["call"], ["bogus"], ["list", "--nope"]]) {
      const r = await runCli(args);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ttrpc: /, r.stderr);
      assert.doesNotMatch(r.stderr, /^error:/m);
    }
  });
});
