#!/usr/bin/env node
// Fails when product files (packages/*/src, tests excluded) import each
// other in a circle, type-only imports included: a circle means two files
// are one concept split in two, or a layer reaching back up.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "testing") sources(p, out);
    } else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']/g;
const graph = new Map();
for (const pkg of readdirSync(join(root, "packages"))) {
  const src = join(root, "packages", pkg, "src");
  if (!existsSync(src)) continue;
  for (const file of sources(src)) {
    const deps = [];
    for (const m of readFileSync(file, "utf8").matchAll(importRe)) {
      const target = resolve(dirname(file), (m[1] ?? "").replace(/\.js$/, ".ts"));
      if (existsSync(target)) deps.push(target);
    }
    graph.set(file, deps);
  }
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) visit(v);

for (const c of cycles) console.log(`import cycle: ${c.map((f) => relative(root, f)).join(" <-> ")}`);
console.log(`${graph.size} product files, ${cycles.length} import cycle(s)`);
process.exit(cycles.length > 0 ? 1 : 0);
