#!/usr/bin/env node
// `npm run build`: the runtime first (the other packages compile against its
// declarations), then peercred, the plugin, the CLI, otel and retry at the
// same time, then the packages generated with the plugin (containerd, nri).
// Each one's output is printed when it ends, so logs do not interleave.
import { spawn, spawnSync } from "node:child_process";

function fail(name, code) {
  process.stderr.write(`build: ${name} failed (exit ${code})\n`);
  process.exit(typeof code === "number" && code > 0 ? code : 1);
}

const first = spawnSync("npm", ["run", "build", "-w", "@ttrpc-ts/runtime"], { stdio: "inherit" });
if (first.status !== 0) fail("@ttrpc-ts/runtime", first.status ?? first.signal);

async function buildAll(names) {
  const results = await Promise.all(
    names.map(
      (name) =>
        new Promise((resolve) => {
          const child = spawn("npm", ["run", "build", "-w", name], { stdio: ["ignore", "pipe", "pipe"] });
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.stderr.on("data", (d) => (out += d));
          child.on("close", (code, signal) => resolve({ name, code: code ?? signal, out }));
        }),
    ),
  );
  for (const r of results) process.stdout.write(r.out);
  const bad = results.find((r) => r.code !== 0);
  if (bad) fail(bad.name, bad.code);
}

await buildAll(["@ttrpc-ts/peercred", "@ttrpc-ts/protoc-gen-ttrpc-ts", "@ttrpc-ts/cli", "@ttrpc-ts/otel", "@ttrpc-ts/retry"]);
await buildAll(["@ttrpc-ts/containerd", "@ttrpc-ts/nri"]);
