// @ttrpc-ts/peercred installed the way pnpm 10 or `npm install
// --ignore-scripts` installs it (no install script runs): the prebuilt
// linux-x64 binary in the tarball loads. With the binary gone, asking for a
// credentials check fails at once with an error naming the package and the
// fix, instead of refusing every connection later.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { node, npmInstall, scratch, tarball, write } from "./helpers.js";

const PROBE = `
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, Server } from "@ttrpc-ts/runtime";
import { isSupported, peerCredentials, peerCredentialsUnavailableReason, requireSameUser } from "@ttrpc-ts/peercred";
let check;
try {
  check = requireSameUser();
} catch (e) {
  console.log(JSON.stringify({ supported: isSupported(), reason: peerCredentialsUnavailableReason(), error: e.message }));
  process.exit(0);
}
let seen;
const server = new Server({ peerCredentials, onConnection: (c) => ((seen = c.peer), check(c)) });
const path = join(mkdtempSync(join(tmpdir(), "pc-")), "s.sock");
await server.listen(path);
const conn = await connect(path);
await new Promise((r) => setTimeout(r, 100));
conn.close();
await server.close();
console.log(JSON.stringify({ supported: isSupported(), peer: seen }));
`;

describe("@ttrpc-ts/peercred from its tarball, install scripts off", { skip: process.platform === "linux" ? false : "Linux only" }, () => {
  const dir = scratch("peercred");
  write(dir, { "package.json": '{ "name": "c", "private": true, "type": "module" }', "probe.mjs": PROBE });
  npmInstall(dir, ["--ignore-scripts", tarball("runtime"), tarball("peercred"), "@bufbuild/protobuf@^2"]);

  it("loads the prebuilt binary and reads the peer's credentials", () => {
    const out = JSON.parse(node(dir, ["probe.mjs"]));
    assert.equal(out.supported, true);
    assert.deepEqual(out.peer, { uid: process.getuid?.(), gid: process.getgid?.(), pid: out.peer.pid });
    assert.ok(out.peer.pid > 0);
  });

  it("without a binary, requireSameUser() throws naming the package and the fix", () => {
    rmSync(join(dir, "node_modules", "@ttrpc-ts", "peercred", "prebuilds"), { recursive: true });
    const out = JSON.parse(node(dir, ["probe.mjs"]));
    assert.equal(out.supported, false);
    assert.match(out.reason, /no native addon for linux-x64/);
    assert.match(out.error, /^@ttrpc-ts\/peercred: requireSameUser\(\) needs peer credentials, which are unavailable/);
    assert.match(out.error, /npm rebuild @ttrpc-ts\/peercred/);
  });
});
