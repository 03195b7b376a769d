// The CommonJS half of dist/ gets the same declarations as the ESM half:
// tsc emits them once (dist/esm), and a .d.ts file's module kind comes from
// the nearest package.json, so dist/cjs/package.json ({"type":"commonjs"})
// makes the copies CommonJS declarations. One tsc run instead of two.
import { cpSync, writeFileSync } from "node:fs";

cpSync("dist/esm", "dist/cjs", { recursive: true, filter: (src) => !src.endsWith(".js") });
writeFileSync("dist/cjs/package.json", '{"type":"commonjs"}\n');
