#!/usr/bin/env node
// `npm run release:dry`: what publishing would ship, checked without
// publishing. Builds every package once, packs each one with `npm pack`
// (whose prepack copies LICENSE and, for peercred, builds the linux-x64
// prebuilt) into .packs/, then checks every tarball:
//
//   - it holds package.json, README.md, LICENSE, CHANGELOG.md and what its
//     entry points name (peercred: the prebuilt binary);
//   - publint, and @arethetypeswrong/cli for the packages with typed entry
//     points (the esm-only profile for the ESM-only ones; the runtime, dual
//     ESM + CJS, must pass the strict profile);
//   - the TypeScript floor: a scratch consumer outside the workspace
//     installs the runtime tarball and type-checks against it with exactly
//     TypeScript FLOOR, as an ES module and as CommonJS.
//
//   --consumers   then runs the consumer suites (consumers/*.test.ts) against
//                 the tarballs: SDK recipe, peercred without install scripts,
//                 retry with the runtime.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The oldest TypeScript that reads the declarations of the runtime and of @bufbuild/protobuf 2.17, whose .d.ts use the generic Uint8Array of TypeScript 5.7 (stated in README.md). */
export const TYPESCRIPT_FLOOR = "5.7.3";

const root = fileURLToPath(new URL("..", import.meta.url));
const packs = join(root, ".packs");
const packages = ["runtime", "protoc-gen-ttrpc-ts", "cli", "peercred", "containerd", "nri", "otel", "retry"];

/** Files each tarball must hold beyond package.json, README.md, LICENSE and CHANGELOG.md. */
const required = {
  runtime: ["dist/esm/index.js", "dist/esm/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts", "dist/cjs/package.json"],
  "protoc-gen-ttrpc-ts": ["bin/protoc-gen-ttrpc-ts.js", "dist/esm/index.js"],
  cli: ["dist/bin/ttrpc.js"],
  peercred: ["prebuilds/linux-x64/@ttrpc-ts+peercred.glibc.node", "scripts/install.mjs"],
  // containerd and nri generate src/gen at build time (nothing generated is
  // committed): their tarballs must carry the compiled generated code.
  containerd: [
    "dist/esm/index.js",
    "dist/esm/index.d.ts",
    "dist/esm/gen/runtime/task/v3/shim_ttrpc.js",
    "dist/esm/gen/runtime/task/v3/shim_pb.js",
    "dist/esm/gen/runtime/task/v2/shim_ttrpc.js",
    "dist/esm/gen/services/ttrpc/events/v1/events_ttrpc.js",
  ],
  nri: [
    "dist/index.js",
    "dist/index.d.ts",
    "dist/multiplex/index.js",
    "dist/gen/api_pb.js",
    "dist/gen/api_ttrpc.js",
    "dist/gen/api_pb.d.ts",
  ],
  otel: ["dist/index.js", "dist/index.d.ts"],
  retry: ["dist/index.js", "dist/index.d.ts"],
};

function step(title) {
  process.stdout.write(`\n==> ${title}\n`);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) {
    process.stderr.write(`release:dry: ${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
  return r;
}

step("Build");
sh("npm", ["run", "build"], { cwd: root });

step("Pack");
rmSync(packs, { recursive: true, force: true });
mkdirSync(packs);
const tarballs = {};
for (const p of packages) {
  const r = sh("npm", ["pack", "--json", "--pack-destination", packs], {
    cwd: join(root, "packages", p),
    env: { ...process.env, TTRPC_TS_PACK_BUILT: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [info] = JSON.parse(r.stdout.toString());
  const files = info.files.map((f) => f.path);
  const want = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", ...required[p]];
  const missing = want.filter((f) => !files.includes(f));
  if (missing.length > 0) {
    process.stderr.write(`release:dry: ${info.filename} lacks ${missing.join(", ")}\n`);
    process.exit(1);
  }
  tarballs[p] = join(packs, info.filename);
  process.stdout.write(`${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(1)} KiB packed\n`);
}

const bin = (name) => join(root, "node_modules", ".bin", name);
for (const p of packages) {
  step(`publint ${p}`);
  sh(bin("publint"), ["--strict", tarballs[p]]);
}
// The CLI has no library entry point (a bin only): nothing for attw to resolve.
for (const [p, profile] of [
  ["runtime", "strict"],
  ["protoc-gen-ttrpc-ts", "esm-only"],
  ["peercred", "esm-only"],
  ["containerd", "esm-only"],
  ["nri", "esm-only"],
  ["otel", "esm-only"],
  ["retry", "esm-only"],
]) {
  step(`attw ${p} (${profile})`);
  sh(bin("attw"), ["--profile", profile, tarballs[p]]);
}

step(`TypeScript floor: a consumer type-checks against the packed runtime with typescript@${TYPESCRIPT_FLOOR}`);
const consumer = mkdtempSync(join(tmpdir(), "ttrpc-ts-floor-"));
try {
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "floor-consumer", private: true, type: "module" }));
  sh(
    "npm",
    ["install", "--no-audit", "--no-fund", tarballs.runtime, "@bufbuild/protobuf@^2", `typescript@${TYPESCRIPT_FLOOR}`, "@types/node@^20"],
    {
      cwd: consumer,
    },
  );
  const code = [
    'import { Code, Connection, Metadata, Server, TtrpcError, connect, createClient, type CallOptions, type ServiceImpl } from "@ttrpc-ts/runtime";',
    'import { FrameParser, RequestSchema, encodeFrame, parseAddress } from "@ttrpc-ts/runtime/protocol";',
    "const options: CallOptions = { timeoutMs: 1, metadata: new Metadata() };",
    "const e: TtrpcError = new TtrpcError('x', Code.NotFound);",
    "void [options, e, Server, Connection, connect, createClient, FrameParser, RequestSchema, encodeFrame, parseAddress];",
    "export type Impl = ServiceImpl<never>;",
  ].join("\n");
  writeFileSync(join(consumer, "esm.mts"), code);
  writeFileSync(join(consumer, "cjs.cts"), code.replace("export type Impl", "type Impl").concat("\nexport = {} as Impl | undefined;\n"));
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: "node16",
      moduleResolution: "node16",
      target: "es2022",
      types: ["node"],
      skipLibCheck: false,
    },
    files: ["esm.mts", "cjs.cts"],
  };
  writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(tsconfig));
  sh(join(consumer, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: consumer });
  process.stdout.write(`typescript@${TYPESCRIPT_FLOOR}: the packed runtime's declarations type-check (ESM and CommonJS consumer)\n`);
} finally {
  rmSync(consumer, { recursive: true, force: true });
}

if (process.argv.includes("--consumers")) {
  step("Consumer suites (consumers/*.test.ts)");
  const suites = readdirSync(join(root, "consumers"))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => join("consumers", f));
  sh(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...suites], {
    cwd: root,
    env: { ...process.env, TTRPC_TS_PACKS: packs },
  });
}
process.stdout.write(`\nrelease:dry: ${packages.length} tarballs in ${packs} built, packed and checked\n`);
