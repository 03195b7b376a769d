// Access control: socket file mode, the connection hook, and peer
// credentials shown to handlers. (The real SO_PEERCRED reader is tested in
// packages/peercred.)
import * as assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, it } from "node:test";
import { Code, connect, type IncomingConnection, type PeerInfo, Server } from "@ttrpc-ts/runtime";
import { assertFailed } from "../support/errors.js";
import { goodCalls } from "../support/good-client.js";
import { expectResourcesAtBaseline, Harness, resourceCounts } from "../support/harness.js";
import { socketPath } from "../support/socket-path.js";
import { type Msg, msg, requestFrame, TestMethods, TestService, testImpl } from "../support/test-service.js";
import { settle, sleep, waitFor, within } from "../support/wait.js";

describe("socket file mode", () => {
  for (const mode of [undefined, 0o660, 0o666, 0o700]) {
    it(`socketMode ${mode === undefined ? "default (owner only)" : `0o${mode.toString(8)}`}`, async () => {
      const baseline = resourceCounts();
      const umask = process.umask();
      const server = new Server(mode === undefined ? {} : { socketMode: mode });
      server.register(TestService, testImpl());
      const path = socketPath("mode");
      await server.listen(path);
      const st = statSync(path);
      assert.ok(st.isSocket());
      assert.equal((st.mode & 0o777).toString(8), (mode ?? 0o600).toString(8));
      assert.equal(process.umask(), umask, "the process umask is restored");
      const c = await connect(path);
      await goodCalls(c, 2, 1);
      c.close();
      await server.close();
      await expectResourcesAtBaseline(baseline);
    });
  }

  it("abstract sockets have no file and still serve", async () => {
    const server = new Server();
    server.register(TestService, testImpl());
    const name = `@ttrpc-rel-${process.pid}-${Date.now()}`;
    await server.listen(name);
    const c = await connect(name);
    await goodCalls(c, 2, 1);
    c.close();
    await server.close();
  });
});

describe("onConnection hook", () => {
  for (const verdict of ["false", "throws", "rejects"] as const) {
    it(`refuses before any frame is read when it ${verdict === "false" ? "returns false" : verdict}`, async (t) => {
      const seen: IncomingConnection[] = [];
      const h = await Harness.start(t, {
        onConnection: async (c) => {
          seen.push(c);
          // The client's Request is already on its way while we decide.
          await sleep(100);
          if (verdict === "throws") throw new Error("not you");
          if (verdict === "rejects") return Promise.reject(new Error("not you"));
          return false;
        },
      });
      const c = await h.client();
      const r = await settle(c.unary(TestMethods.echo, msg()));
      assertFailed(r, Code.Unavailable, /^ttrpc: closed/);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.peer, undefined, "no peerCredentials option: peer is undefined");
      assert.equal(h.probe.started.size, 0, "no handler ran");
      assert.equal(h.server.connectionCount, 0);
      await h.expectIdle(0);
    });
  }

  it("frames sent while an async hook decides are served once it accepts", async (t) => {
    const h = await Harness.start(t, {
      onConnection: async () => {
        await sleep(150);
        return true;
      },
    });
    const c = await h.client();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => c.unary<Msg, Msg>(TestMethods.echo, msg({ id: i + 1 }))));
    assert.deepEqual(
      answers.map((m) => m.id),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await h.expectIdle(1);
  });

  it("a peer that disconnects while the hook is pending leaves nothing behind", async (t) => {
    let calls = 0;
    const h = await Harness.start(t, {
      onConnection: async () => {
        calls++;
        await sleep(200);
        return true;
      },
    });
    const silent = await h.raw();
    const eager = await h.raw();
    // Sent before the peer went away: like Go, the server may still run it
    // once the hook accepts (the bytes were received); nothing must be left.
    await eager.write(requestFrame(1, "Echo"));
    await waitFor(() => calls === 2, 3000, "hook called twice");
    await Promise.all([silent.destroy(), eager.destroy()]);
    await sleep(300);
    await h.expectIdle(0);
    assert.ok((h.probe.started.get("Echo") ?? 0) <= 1);
  });

  it("the hook can refuse some connections and accept others (a sequence)", async (t) => {
    let n = 0;
    const h = await Harness.start(t, { onConnection: () => ++n % 2 === 0 });
    const refused = await h.client();
    const accepted = await h.client();
    assertFailed(await settle(refused.unary(TestMethods.echo, msg())), Code.Unavailable);
    await goodCalls(accepted, 10, 2);
    await h.expectIdle(1);
  });
});

describe("peer credentials", () => {
  it("what peerCredentials returns reaches onConnection and every handler as ctx.peer", async (t) => {
    const peer: PeerInfo = { uid: 1234, gid: 5678, pid: 42 };
    const hookSaw: Array<PeerInfo | undefined> = [];
    const h = await Harness.start(t, {
      peerCredentials: () => peer,
      onConnection: (c) => {
        hookSaw.push(c.peer);
        return true;
      },
    });
    const c = await h.client();
    const res = await c.unary<Msg, Msg>(TestMethods.whoAmI, msg());
    assert.deepEqual(JSON.parse(res.text), peer);
    assert.deepEqual(hookSaw, [peer]);
    await h.expectIdle(1);
  });

  it("a peerCredentials function that throws leaves peer undefined and the connection served", async (t) => {
    const h = await Harness.start(t, {
      peerCredentials: () => {
        throw new Error("no creds here");
      },
    });
    const c = await h.client();
    const res = await within(c.unary<Msg, Msg>(TestMethods.whoAmI, msg()), 3000, "call answered");
    assert.equal(JSON.parse(res.text), null);
    await h.expectIdle(1);
  });
});
