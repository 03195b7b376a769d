import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openShimLog } from "./shim-log.js";

test("openShimLog creates the fifo and reads what successive writers write", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-ts-shim-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = openShimLog(dir);
  assert.ok(statSync(join(dir, "log")).isFIFO());
  const chunks: string[] = [];
  log.stream.on("data", (b: Buffer) => chunks.push(b.toString()));
  writeFileSync(join(dir, "log"), "one\n");
  // A second writer after the first closed: no EOF in between.
  writeFileSync(join(dir, "log"), "two\n");
  while (chunks.join("") !== "one\ntwo\n") await once(log.stream, "data");
  log.close();
  // An existing fifo is reused.
  openShimLog(dir).close();
});

test("openShimLog refuses a log that is not a fifo", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-ts-shim-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "log"), "");
  assert.throws(() => openShimLog(dir), /log exists and is not a fifo/);
  assert.throws(() => openShimLog(join(dir, "missing")), /mkfifo .*missing\/log/);
});
