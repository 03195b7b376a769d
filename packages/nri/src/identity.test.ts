import assert from "node:assert/strict";
import { test } from "node:test";
import { resolvePluginIdentity } from "./identity.js";

test("identity: options, then NRI_PLUGIN_NAME/IDX, then the IDX-NAME program name", () => {
  assert.deepEqual(resolvePluginIdentity({ name: "a", idx: "01" }, { NRI_PLUGIN_NAME: "b", NRI_PLUGIN_IDX: "02" }, "/x/03-c"), {
    name: "a",
    idx: "01",
  });
  assert.deepEqual(resolvePluginIdentity({}, { NRI_PLUGIN_NAME: "b", NRI_PLUGIN_IDX: "02" }, "/x/03-c"), { name: "b", idx: "02" });
  assert.deepEqual(resolvePluginIdentity({}, {}, "/opt/nri/plugins/10-env-adder.ts"), { name: "env-adder", idx: "10" });
  assert.deepEqual(resolvePluginIdentity({ idx: "50" }, {}, "/bin/my-plugin.js"), { name: "my-plugin", idx: "50" });
});

test("identity: clear errors for a missing or invalid index or name", () => {
  assert.throws(
    () => resolvePluginIdentity({}, {}, "/bin/plugin.js"),
    /NRI plugin index unknown: pass idx, set NRI_PLUGIN_IDX, or name the program IDX-NAME \(got "plugin"\)/,
  );
  assert.throws(() => resolvePluginIdentity({ name: "x", idx: "1" }, {}, undefined), /invalid NRI plugin index "1": must be 2 digits/);
  assert.throws(() => resolvePluginIdentity({ name: "a b", idx: "10" }, {}, undefined), /invalid NRI plugin name "a b"/);
});
