import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import {
  checkUidGid,
  getPeerCredentials,
  isSupported,
  peerCredentials,
  peerCredentialsUnavailableReason,
  type Refusal,
  requireSameUser,
  requireUidGid,
} from "@ttrpc-ts/peercred";
import { Code, connect, Server, type ServerOptions, TtrpcError } from "@ttrpc-ts/runtime";
import type { MethodDef, ServiceDef } from "@ttrpc-ts/runtime/protocol";

const linux = process.platform === "linux";
// On Linux the addon is always there (built by `npm run build`, or the prebuilt binary).
const skip = linux ? false : "SO_PEERCRED is Linux only";

const dir = mkdtempSync(join(tmpdir(), "peercred-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const sockPath = (): string => join(dir, `s${++n}.sock`);

// A one-method service with a JSON codec, enough to see ctx.peer.
const bytes = {
  encode: (v: unknown) => new TextEncoder().encode(JSON.stringify(v ?? null)),
  decode: (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b) || "null") as unknown,
};
const whoAmI: MethodDef = {
  service: "peercred.test.Who",
  name: "WhoAmI",
  localName: "whoAmI",
  kind: "unary",
  encodeInput: bytes.encode,
  decodeInput: bytes.decode,
  encodeOutput: bytes.encode,
  decodeOutput: bytes.decode,
};
const WhoService: ServiceDef = { typeName: "peercred.test.Who", methods: [whoAmI] };

async function startServer(options: ServerOptions, calls: { n: number }): Promise<{ server: Server; path: string }> {
  const server = new Server(options);
  server.register(WhoService, {
    whoAmI(_req: unknown, ctx: { peer: unknown }) {
      calls.n++;
      return { peer: ctx.peer ?? null };
    },
  });
  const path = sockPath();
  await server.listen(path);
  return { server, path };
}

function pair(path: string): Promise<{ client: net.Socket; accepted: net.Socket; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((accepted) => {
      resolve({
        client,
        accepted,
        close: async () => {
          client.destroy();
          accepted.destroy();
          await new Promise((r) => srv.close(r));
        },
      });
    });
    let client: net.Socket;
    srv.listen(path, () => {
      client = net.connect(path);
      client.once("error", reject);
    });
  });
}

describe("@ttrpc-ts/peercred", { skip }, () => {
  it("the addon is built and loaded on Linux", () => {
    assert.equal(isSupported(), true, peerCredentialsUnavailableReason());
    assert.equal(peerCredentialsUnavailableReason(), undefined);
  });

  it("reads uid, gid and pid of a real connection, from both ends", async () => {
    const p = await pair(sockPath());
    await new Promise((r) => p.client.once("connect", r));
    const expected = { uid: process.getuid?.(), gid: process.getgid?.(), pid: process.pid };
    assert.deepEqual(getPeerCredentials(p.accepted), expected, "server side sees the connecting process");
    assert.deepEqual(getPeerCredentials(p.client), expected, "client side sees the listening process");
    assert.deepEqual(peerCredentials(p.accepted), expected);
    await p.close();
  });

  it("works on abstract sockets", async () => {
    const p = await pair(`\0peercred-test-${process.pid}-${Date.now()}`);
    await new Promise((r) => p.client.once("connect", r));
    assert.equal(getPeerCredentials(p.accepted)?.pid, process.pid);
    await p.close();
  });

  it("returns undefined, never throws, for what is not a connected unix socket", async () => {
    // TCP.
    const srv = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    const tcp = net.connect(port, "127.0.0.1");
    await new Promise((r) => tcp.once("connect", r));
    assert.equal(getPeerCredentials(tcp), undefined);
    tcp.destroy();
    await new Promise((r) => srv.close(r));
    // A closed socket, and a stream that is no socket at all.
    const p = await pair(sockPath());
    await p.close();
    assert.equal(getPeerCredentials(p.accepted), undefined);
    assert.equal(getPeerCredentials(new PassThrough() as unknown as net.Socket), undefined);
  });

  it("handlers see ctx.peer when the server uses peerCredentials", async () => {
    const calls = { n: 0 };
    const { server, path } = await startServer({ peerCredentials }, calls);
    const c = await connect(path);
    const res = await c.unary<unknown, { peer: unknown }>(whoAmI, {});
    assert.deepEqual(res.peer, { uid: process.getuid?.(), gid: process.getgid?.(), pid: process.pid });
    c.close();
    await server.close();
  });

  it("requireUidGid with a mismatch refuses before any frame is read: the call fails UNAVAILABLE", async () => {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const refusals: Refusal[] = [];
    const calls = { n: 0 };
    const { server, path } = await startServer({ onConnection: requireUidGid(uid + 1, -1, { onRefused: (r) => refusals.push(r) }) }, calls);
    const c = await connect(path);
    await assert.rejects(c.unary(whoAmI, {}), (e: unknown) => e instanceof TtrpcError && e.code === Code.Unavailable);
    assert.equal(calls.n, 0, "no handler ran");
    assert.equal(refusals.length, 1);
    assert.equal(
      refusals[0]?.reason,
      `ttrpc: invalid credentials: peer uid ${uid} gid ${gid} (pid ${process.pid}), required uid ${uid + 1} gid any`,
    );
    assert.equal(server.connectionCount, 0);
    c.close();
    await server.close();
  });

  it("requireUidGid with the right ids, wildcards and requireSameUser admit the connection", async () => {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    for (const check of [
      requireUidGid(uid, gid),
      requireUidGid(-1, -1),
      requireUidGid(uid, -1),
      requireUidGid(-1, gid),
      requireSameUser(),
    ]) {
      const calls = { n: 0 };
      // With and without the server reading the credentials first.
      for (const options of [{ onConnection: check }, { onConnection: check, peerCredentials }]) {
        const { server, path } = await startServer(options, calls);
        const c = await connect(path);
        await c.unary(whoAmI, {});
        c.close();
        await server.close();
      }
      assert.equal(calls.n, 2);
    }
  });

  it("requireUidGid rejects bad arguments; checkUidGid explains", () => {
    assert.throws(() => requireUidGid(-2, 0), RangeError);
    assert.throws(() => requireUidGid(0, 1.5), RangeError);
    assert.equal(checkUidGid({ uid: 1, gid: 2, pid: 3 }, 1, 2), undefined);
    assert.equal(
      checkUidGid({ uid: 1, gid: 2, pid: 3 }, -1, 5),
      "ttrpc: invalid credentials: peer uid 1 gid 2 (pid 3), required uid any gid 5",
    );
    assert.match(checkUidGid(undefined, 0, 0) ?? "", /^ttrpc: invalid credentials: cannot read the peer's credentials/);
  });
});
