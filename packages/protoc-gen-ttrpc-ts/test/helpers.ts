// Shared test helpers: temporary directories, compiling protos with buf,
// running the plugin in process, servers on unix sockets, and the rule for
// tests that need system packages.
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { create, fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, type FileDescriptorProto, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { type Connection, connect, Server } from "@ttrpc-ts/runtime";
import { protocGenTtrpcTs } from "../src/index.js";

/** The repository root. */
export const repoRoot: string = fileURLToPath(new URL("../../../", import.meta.url));
/** test-fixtures/ */
export const fixturesDir: string = join(repoRoot, "test-fixtures");
/** The fixture protos. */
export const fixtureProtoDir: string = join(fixturesDir, "proto");
/** node_modules/.bin of the repository. */
export const binDir: string = join(repoRoot, "node_modules", ".bin");
/** The buf binary from @bufbuild/buf. */
export const bufBin: string = join(binDir, "buf");
/** The plugin binary, which runs the build in dist/. */
export const pluginBin: string = join(repoRoot, "packages", "protoc-gen-ttrpc-ts", "bin", "protoc-gen-ttrpc-ts.js");
/** protoc-gen-es's binary. */
export const esBin: string = join(repoRoot, "node_modules", "@bufbuild", "protoc-gen-es", "bin", "protoc-gen-es");

/** A new temporary directory, removed when the test ends. */
export function tempDir(t: TestContext, prefix = "ttrpc-gen-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (path → content) below `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

/** Runs a command; throws with its output unless it exits 0. */
export function run(cmd: string, args: readonly string[], options: SpawnSyncOptions = {}): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...options });
  const stdout = String(r.stdout ?? "");
  const stderr = String(r.stderr ?? "");
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ""}\n${stdout}${stderr}`);
  }
  return { stdout, stderr };
}

/** Compiles every proto below `dir` with `buf build` (imports included, in dependency order). */
export function compileProtos(dir: string): FileDescriptorProto[] {
  const out = join(mkdtempSync(join(tmpdir(), "ttrpc-image-")), "image.binpb");
  try {
    run(bufBin, ["build", dir, "-o", out]);
    return fromBinary(FileDescriptorSetSchema, readFileSync(out)).file;
  } finally {
    rmSync(dirname(out), { recursive: true, force: true });
  }
}

/** Files the plugin wrote: name → content. */
export type Generated = Map<string, string>;

/**
 * Runs the plugin in process on the protos below `dir`, generating every
 * file that is not an import from elsewhere (google/protobuf/...).
 */
export function runPlugin(protoFiles: readonly FileDescriptorProto[], parameter: string): Generated {
  const req = create(CodeGeneratorRequestSchema, {
    parameter,
    fileToGenerate: protoFiles.filter((f) => !f.name.startsWith("google/")).map((f) => f.name),
    protoFile: [...protoFiles],
  });
  const res = protocGenTtrpcTs.run(req);
  if (res.error !== undefined && res.error !== "") throw new Error(res.error);
  return new Map(res.file.map((f) => [f.name, f.content]));
}

/** Compiles `files` (path → proto source) and runs the plugin on them. */
export function generate(t: TestContext, files: Record<string, string>, parameter = "target=ts"): Generated {
  const dir = tempDir(t, "ttrpc-proto-");
  writeFiles(dir, files);
  return runPlugin(compileProtos(dir), parameter);
}

/** A server listening on a unix socket in a temporary directory, closed when the test ends. */
export async function listen(t: TestContext, server: Server = new Server()): Promise<{ server: Server; address: string }> {
  const address = join(tempDir(t, "ttrpc-sock-"), "s.sock");
  await server.listen(address);
  t.after(() => server.close());
  return { server, address };
}

/** A client connection, closed when the test ends. */
export async function dial(t: TestContext, address: string): Promise<Connection> {
  const client = await connect(address);
  t.after(() => client.close());
  return client;
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An async iterable over `items`. */
export async function* from<T>(items: Iterable<T>): AsyncIterable<T> {
  for (const item of items) yield item;
}

/**
 * For tests that need something outside npm (a Debian package, a built
 * dist): skips the test when it is missing, except under CI=true, where a
 * missing prerequisite fails it.
 */
export function requirePrerequisite(t: TestContext, present: boolean, what: string): boolean {
  if (present) return true;
  if (process.env.CI === "true") throw new Error(`missing prerequisite: ${what}`);
  t.skip(`missing prerequisite: ${what}`);
  return false;
}

/** Whether the plugin's dist build exists (the bin needs it). */
export function pluginBuilt(): boolean {
  return existsSync(join(repoRoot, "packages", "protoc-gen-ttrpc-ts", "dist", "esm", "index.js"));
}
