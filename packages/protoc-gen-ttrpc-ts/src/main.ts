// Development entry point: runs the plugin from source, e.g. from buf with
// `local: ["node", "--import", "tsx", "packages/protoc-gen-ttrpc-ts/src/main.ts"]`.
// The published binary is bin/protoc-gen-ttrpc-ts.js, which runs the build.
import { runNodeJs } from "@bufbuild/protoplugin";
import { protocGenTtrpcTs } from "./protoc-gen-ttrpc-ts-plugin.js";

runNodeJs(protocGenTtrpcTs);
