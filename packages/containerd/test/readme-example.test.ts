// The package README's program is example/run-container.ts, word for word,
// and it runs a busybox container through a real containerd 2.x shim.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createBundle } from "./helpers/bundle.js";
import { shimPrerequisites } from "./helpers/prerequisites.js";
import { cleanUpTask } from "./helpers/processes.js";

const example = fileURLToPath(new URL("../example/run-container.ts", import.meta.url));

test("the README shows example/run-container.ts", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  assert.ok(
    readme.includes(`\`\`\`ts\n${readFileSync(example, "utf8")}\`\`\`\n`),
    "README.md's program differs from example/run-container.ts",
  );
});

test("example/run-container.ts runs busybox through the containerd 2.x shim", (t) => {
  const bin = shimPrerequisites(t);
  if (bin === undefined) return;
  const tmp = mkdtempSync(join(tmpdir(), "ttrpc-ts-example-"));
  const bundleDir = join(tmp, "bundle");
  mkdirSync(bundleDir);
  // The example opens the log fifo itself; this bundle's reader is not needed.
  createBundle(bundleDir, ["/bin/sh", "-c", "echo example output; exit 5"]).close();
  const id = `example-${process.pid}`;
  try {
    const r = spawnSync(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", example, bundleDir, id, "ttrpc-ts-e2e"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `${r.error?.message ?? ""}\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.stdout, `${id} exited with status 5\n`);
    assert.equal(readFileSync(join(bundleDir, "output.log"), "utf8"), "example output\n");
  } finally {
    cleanUpTask("ttrpc-ts-e2e", id);
    rmSync(tmp, { recursive: true, force: true });
  }
});
