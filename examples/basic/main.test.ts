// The basic example: its generated code is what the root buf.gen.yaml
// produces, and it runs, making one call of each kind.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)];
    })
    .sort();
}

test("examples/basic/gen is what `buf generate` makes of the root buf.gen.yaml", (t) => {
  const built = existsSync(join(root, "packages/protoc-gen-ttrpc-ts/dist/esm/index.js"));
  if (!built) {
    const { CI } = process.env;
    if (CI === "true") throw new Error("missing prerequisite: the plugin's build (npm run build)");
    t.skip("missing prerequisite: the plugin's build (npm run build)");
    return;
  }
  const out = mkdtempSync(join(tmpdir(), "ttrpc-basic-gen-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const bin = join(root, "node_modules", ".bin");
  const r = spawnSync(join(bin, "buf"), ["generate", "--output", out], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
  });
  assert.equal(r.status, 0, r.stderr);
  const fresh = join(out, "examples/basic/gen");
  const committed = join(here, "gen");
  assert.deepEqual(listFiles(fresh), listFiles(committed));
  for (const f of listFiles(fresh)) {
    assert.equal(readFileSync(join(fresh, f), "utf8"), readFileSync(join(committed, f), "utf8"), `${f} is stale: run npm run generate`);
  }
});

test("examples/basic: unary and streaming round trips over a unix socket", () => {
  const r = spawnSync(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", join(here, "main.ts")], {
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.ok(lines.includes("unary SayHello: Hello, Ada! (asked by main.ts)"), r.stdout);
  assert.equal(lines.filter((l) => l.startsWith("server stream SayHelloRepeatedly: ")).length, 3);
  assert.ok(lines.includes("client stream SayHelloToAll: Hello, Alan and Barbara and Edsger!"));
  assert.deepEqual(
    lines.filter((l) => l.startsWith("bidi stream Chat: ")),
    ["bidi stream Chat: Nice to meet you, Ken.", "bidi stream Chat: Nice to meet you, Dennis."],
  );
  assert.equal(lines.at(-1), "ok");
});
