// The SDK and the end-to-end peers agree: the API module this package is
// generated from is the one the containerd that scripts/containerd2/build.sh
// builds requires.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { need, onPath } from "./helpers/prerequisites.js";

test("containerdApiVersion matches the API module of the containerd 2.x under test", (t) => {
  if (!need(t, onPath("go"), "Go (go mod download)")) return;
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const script = fileURLToPath(new URL("../../../scripts/containerd2/build.sh", import.meta.url));
  const r = spawnSync("bash", [script, "--api-dir"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const dir = r.stdout.trim();
  assert.match(dir, /\/github\.com\/containerd\/containerd\/api@v[0-9.]+$/);
  assert.equal(dir.slice(dir.lastIndexOf("@") + 1), pkg.containerdApiVersion);
});
