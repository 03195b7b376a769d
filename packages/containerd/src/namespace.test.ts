import assert from "node:assert/strict";
import { test } from "node:test";
import { Metadata } from "@ttrpc-ts/runtime";
import { NAMESPACE_METADATA_KEY, validateNamespace, withNamespace } from "./namespace.js";

test("withNamespace sets containerd's key and keeps the other options", () => {
  const signal = new AbortController().signal;
  const options = withNamespace("k8s.io", { timeoutMs: 5, signal, metadata: { "x-trace": "1", [NAMESPACE_METADATA_KEY]: "old" } });
  assert.equal(options.timeoutMs, 5);
  assert.equal(options.signal, signal);
  const md = new Metadata(options.metadata);
  assert.deepEqual(md.getAll("containerd-namespace-ttrpc"), ["k8s.io"]);
  assert.equal(md.get("x-trace"), "1");
});

test("withNamespace without options", () => {
  assert.equal(new Metadata(withNamespace("default").metadata).get(NAMESPACE_METADATA_KEY), "default");
});

test("namespaces containerd refuses get specific errors", () => {
  for (const ok of ["default", "k8s.io", "a_b-c.d", "x".repeat(76)]) validateNamespace(ok);
  assert.throws(() => validateNamespace(""), /namespace is empty/);
  assert.throws(() => validateNamespace("x".repeat(77)), /longer than 76 characters/);
  for (const bad of ["a b", "-a", "a-", "a..b", "ns/1", "é"]) assert.throws(() => withNamespace(bad), /is invalid/, bad);
});
