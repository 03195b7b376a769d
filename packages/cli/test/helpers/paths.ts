import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** The built CLI the end-to-end tests run (`npm run build -w @ttrpc-ts/cli`). */
export const CLI_BIN = fileURLToPath(new URL("../../dist/bin/ttrpc.js", import.meta.url));
/** The interop protos (include directory). */
export const INTEROP_PROTO = fileURLToPath(new URL("../../../../interop/proto", import.meta.url));
/** Test-only protos (include directory). */
export const FIXTURE_PROTO = fileURLToPath(new URL("../fixtures/proto", import.meta.url));
/** The Go interop server binary, built by interop/go/build.sh. */
export const GO_SERVER_BIN = fileURLToPath(new URL("../../../../interop/go/bin/ttrpc-interop-server", import.meta.url));
/** The Go build script. */
export const GO_BUILD_SCRIPT = fileURLToPath(new URL("../../../../interop/go/build.sh", import.meta.url));
/** test/fixtures. */
export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures", import.meta.url));

// The CLI's compiled-schema cache goes to a throw-away directory, never the
// user's ~/.cache; the CLI processes the tests start inherit it.
const cacheDir = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-cache-"));
process.env.TTRPC_CACHE_DIR = cacheDir;
process.on("exit", () => rmSync(cacheDir, { recursive: true, force: true }));
/** The schema cache directory every test in this process uses. */
export const SCHEMA_CACHE_DIR = cacheDir;
