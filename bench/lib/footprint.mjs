// Footprint figures that need no server: import cost, installed size of a
// dependency closure, size of generated code.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { root } from "./schema.mjs";

/**
 * Import cost of `specifier` on top of `@bufbuild/protobuf`, in a fresh
 * plain-node process: wall time of the dynamic import and growth of the
 * resident set, and the CPU time of the import (user + system: on a busy
 * machine less inflated than wall time). `@bufbuild/protobuf` is imported first because every peer
 * needs it anyway; its own cost is reported as `baseMs`/`baseBytes`.
 */
export function importCost(specifier) {
  const script = `
    const rss = () => process.memoryUsage().rss;
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const t0 = performance.now(), m0 = rss();
    await import("@bufbuild/protobuf");
    const t1 = performance.now(), m1 = rss(), c1 = cpu();
    await import(${JSON.stringify(specifier)});
    const t2 = performance.now(), m2 = rss(), c2 = cpu();
    process.stdout.write(JSON.stringify({ baseMs: t1 - t0, baseBytes: m1 - m0, ms: t2 - t1, cpuMs: c2 - c1, bytes: m2 - m1 }));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`import ${specifier} failed: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
  return JSON.parse(r.stdout);
}

/** Bytes of the files under `dir`, not following links and skipping nested node_modules. */
function dirSize(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules") continue;
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) total += dirSize(p);
    else if (st.isFile()) total += st.size;
  }
  return total;
}

/** Finds an installed package the way Node does: node_modules up from `fromDir`. */
function findPackage(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const p = join(d, "node_modules", name);
    if (existsSync(join(p, "package.json"))) return p;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The installed closure of a package in node_modules: it and everything its
 * dependencies (and non-optional peer dependencies) pull in, with the bytes
 * of each package directory as installed.
 */
export function installedClosure(name) {
  const seen = new Map();
  const missing = [];
  const visit = (pkgName, fromDir) => {
    const dir = findPackage(pkgName, fromDir);
    if (!dir) {
      missing.push(pkgName);
      return;
    }
    if (seen.has(dir)) return;
    const pj = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    seen.set(dir, { name: pkgName, version: pj.version, bytes: dirSize(dir) });
    const optionalPeers = new Set(Object.entries(pj.peerDependenciesMeta ?? {}).flatMap(([k, v]) => (v.optional ? [k] : [])));
    const deps = [...Object.keys(pj.dependencies ?? {}), ...Object.keys(pj.peerDependencies ?? {}).filter((d) => !optionalPeers.has(d))];
    for (const d of deps) visit(d, dir);
  };
  visit(name, root);
  const packages = [...seen.values()];
  return { packages: packages.length, bytes: packages.reduce((a, p) => a + p.bytes, 0), list: packages, missing };
}

/**
 * The runtime's installed closure: what `npm pack` would publish for
 * @ttrpc-ts/runtime (unpacked), plus its peer dependency @bufbuild/protobuf
 * as installed (npm installs peer dependencies). `dir`: the package folder
 * to pack (default: the workspace).
 */
export function runtimeClosure(dir) {
  const target = dir ? [dir] : ["-w", "@ttrpc-ts/runtime"];
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", ...target], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const packed = JSON.parse(out)[0];
  const pj = JSON.parse(readFileSync(join(root, "packages/runtime/package.json"), "utf8"));
  const list = [{ name: "@ttrpc-ts/runtime", version: packed.version, bytes: packed.unpackedSize, files: packed.entryCount }];
  const missing = [];
  for (const dep of [...Object.keys(pj.dependencies ?? {}), ...Object.keys(pj.peerDependencies ?? {})]) {
    const c = installedClosure(dep);
    list.push(...c.list);
    missing.push(...c.missing);
  }
  return {
    packages: list.length,
    bytes: list.reduce((a, p) => a + p.bytes, 0),
    runtimeBytes: packed.unpackedSize,
    list,
    missing,
  };
}

/**
 * Size of the code generated for a typical service: protoc-gen-es (messages)
 * and protoc-gen-ttrpc-ts (client and server stubs), as TypeScript and as
 * JavaScript + declarations. Runs buf with both local plugins into a temp
 * dir. Throws when the generator cannot run (it is young).
 */
export function generatedCodeSize(protoPath) {
  const pkgDir = join(root, "packages/protoc-gen-ttrpc-ts");
  const pj = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const bin = typeof pj.bin === "string" ? pj.bin : pj.bin?.["protoc-gen-ttrpc-ts"];
  const plugin = bin ? join(pkgDir, bin) : undefined;
  if (!plugin || !existsSync(plugin)) throw new Error("packages/protoc-gen-ttrpc-ts has no protoc-gen-ttrpc-ts bin");
  if (!existsSync(join(pkgDir, "dist/esm/index.js"))) throw new Error("protoc-gen-ttrpc-ts is not built (npm run build)");
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-bench-gen-"));
  try {
    const es = join(root, "node_modules/.bin/protoc-gen-es");
    const plugins = [];
    for (const target of ["ts", "js+dts"]) {
      const out = join(dir, target.replace("+", "_"));
      const opt = [`target=${target}`, "import_extension=js"];
      plugins.push({ local: es, out, opt }, { local: [process.execPath, plugin], out, opt });
    }
    const template = join(dir, "buf.gen.yaml");
    writeFileSync(template, JSON.stringify({ version: "v2", plugins }));
    const buf = join(root, "node_modules/.bin/buf");
    const r = spawnSync(buf, ["generate", "interop/proto", "--template", template, "--path", protoPath], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`buf generate failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
    const stem = basename(protoPath, ".proto");
    const rel = dirname(protoPath.replace(/^interop\/proto\//, ""));
    const size = (target, file) => {
      const p = join(dir, target, rel, file);
      return existsSync(p) ? lstatSync(p).size : undefined;
    };
    return {
      proto: protoPath,
      service: { ts: size("ts", `${stem}_ttrpc.ts`), js: size("js_dts", `${stem}_ttrpc.js`), dts: size("js_dts", `${stem}_ttrpc.d.ts`) },
      messages: { ts: size("ts", `${stem}_pb.ts`), js: size("js_dts", `${stem}_pb.js`), dts: size("js_dts", `${stem}_pb.d.ts`) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
