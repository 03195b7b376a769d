// containerd's own ttrpc APIs, from Debian's packages: they generate and
// type-check, and the generated client drives a real containerd-shim-runc-v2.
// A missing prerequisite skips a test, except under CI=true, where it fails.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { generate, prerequisites } from "./generate.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const gen = join(here, "gen");

function need(t: TestContext, present: boolean, what: string): boolean {
  if (present) return true;
  const { CI } = process.env;
  if (CI === "true") throw new Error(`missing prerequisite: ${what}`);
  t.skip(`missing prerequisite: ${what}`);
  return false;
}

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

test("containerd's shim and events APIs generate and type-check", (t) => {
  for (const [path, from] of prerequisites) if (!need(t, existsSync(path), from)) return;
  if (!need(t, onPath("protoc"), "protoc (Debian package protobuf-compiler)")) return;
  if (!need(t, existsSync(join(root, "packages/runtime/dist/esm/index.d.ts")), "the runtime's build: npm run build")) return;

  generate(gen);
  const shim = readFileSync(join(gen, "github.com/containerd/containerd/runtime/v2/task/shim_ttrpc.ts"), "utf8");
  assert.match(shim, /^export interface TaskClient extends Client<typeof Task> \{$/m);
  assert.match(shim, /^ {2}readonly connect: Client<typeof Task>\["connect"\];$/m);
  assert.match(shim, /^export function createTaskClient\(connection: Connection\): TaskClient \{$/m);
  const events = readFileSync(join(gen, "github.com/containerd/containerd/api/services/ttrpc/events/v1/events_ttrpc.ts"), "utf8");
  assert.match(events, /^ {2}forward: ServiceImpl<typeof Events>\["forward"\];$/m);
  assert.match(events, /^export function registerEvents\(server: Server, impl: Partial<EventsImpl>\): void \{$/m);

  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(here, "tsconfig.json")], {
    encoding: "utf8",
  });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});

test("examples/containerd-shim: Connect, State (NOT_FOUND) and Shutdown on a real containerd-shim-runc-v2", (t) => {
  if (!need(t, onPath("containerd-shim-runc-v2"), "containerd-shim-runc-v2 (Debian package containerd)")) return;
  if (!need(t, onPath("runc"), "runc (Debian package runc)")) return;
  if (!need(t, process.getuid?.() === 0, "root (the shim puts its socket in /run/containerd/s)")) return;
  if (
    !need(t, existsSync(join(gen, "github.com/containerd/containerd/runtime/v2/task/shim_ttrpc.ts")), "the generated shim API (first test)")
  )
    return;

  const r = spawnSync(process.execPath, ["--import", "tsx", join(here, "main.ts")], { cwd: here, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, `${r.error?.message ?? ""}\n${r.stdout}\n${r.stderr}`);
  const out = r.stdout;
  assert.match(out, /^shim started, listening on unix:\/\/\/run\/containerd\/s\/[0-9a-f]+$/m);
  assert.match(out, /^Connect: shim pid [1-9][0-9]*, task pid 0$/m);
  assert.match(out, /^State of an unknown task: NOT_FOUND as expected/m);
  assert.match(out, /^Shutdown: /m);
  assert.match(out, /^shim exited\nok$/m);
});
