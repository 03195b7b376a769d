// Server lifecycle: listen (socket files), graceful shutdown, close.
import assert from "node:assert/strict";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Code, connect, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { Streaming, startServer, streamingImpl } from "./support/harness.js";
import { RawPeer } from "./support/raw-peer.js";
import { makeStaleSocket } from "./support/sockets.js";
import { collect, failure, forever, isStatus, quiet, sleep, tempDir, until, within } from "./support/util.js";
import { STREAMING } from "./support/wire.js";

function gate() {
  let open!: () => void;
  let count = 0;
  const p = new Promise<void>((r) => (open = r));
  return {
    wait: () => {
      count++;
      return p;
    },
    open: () => open(),
    get entered() {
      return count;
    },
  };
}

describe("graceful shutdown", { timeout: 30_000 }, () => {
  it("drains: the call in flight completes, new calls get UNAVAILABLE, the socket file goes, then connections close", async (t) => {
    const g = gate();
    const h = await startServer(t, {
      impl: {
        echo: async (req) => {
          await g.wait();
          return { seq: req.seq + 1 };
        },
      },
    });
    const { client, svc } = await h.streaming();
    const inFlight = quiet(svc.echo({ seq: 1 }));
    await until(() => g.entered === 1, 3000, "the handler to start");
    let shutDown = false;
    const shutdown = h.server.shutdown().then(() => {
      shutDown = true;
    });
    await assert.rejects(svc.echo({ seq: 5 }), isStatus(Code.Unavailable));
    assert.equal(existsSync(h.path), false, "socket file removed at once");
    await assert.rejects(connect(h.path), isStatus(Code.Unavailable));
    await sleep(100);
    assert.equal(shutDown, false, "shutdown waits for the call in flight");
    g.open();
    assert.equal((await inFlight).seq, 2);
    await within(shutdown, 3000, "shutdown after the last call");
    await within(client.wait(), 3000, "the client to see the close");
    assert.equal(h.server.connectionCount, 0);
    await assert.rejects(svc.echo({ seq: 1 }), isStatus(Code.Unavailable));
  });

  it("the refusal of a new call during shutdown is UNAVAILABLE on the wire", async (t) => {
    const g = gate();
    const h = await startServer(t, {
      impl: {
        echo: async (req) => {
          await g.wait();
          return req;
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo" });
    await until(() => g.entered === 1, 3000, "the handler to start");
    const shutdown = h.server.shutdown();
    await raw.request(3, { service: STREAMING, method: "Echo" });
    const res = await raw.response(3);
    assert.equal(res.status?.code, Code.Unavailable);
    g.open();
    const done = await raw.response(1);
    assert.equal(done.status, undefined);
    await within(shutdown, 3000, "shutdown");
    await within(raw.closed, 3000, "the raw connection to be closed");
  });

  it("a stream in flight runs to its end", async (t) => {
    const g = gate();
    const h = await startServer(t, {
      impl: {
        async *divideStream() {
          yield { add: 1 };
          await g.wait();
          yield { add: 2 };
        },
      },
    });
    const { svc } = await h.streaming();
    const it = svc.divideStream({})[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.add, 1);
    const shutdown = h.server.shutdown();
    g.open();
    assert.equal((await it.next()).value?.add, 2);
    assert.equal((await it.next()).done, true);
    await within(shutdown, 3000, "shutdown");
  });

  it("the last call to fail while draining still gets its own error Response", async (t) => {
    const g = gate();
    const h = await startServer(t, {
      impl: {
        echo: async () => {
          await g.wait();
          throw new TtrpcError("thing x not found", Code.NotFound);
        },
      },
    });
    const { svc } = await h.streaming();
    const call = quiet(svc.echo({}));
    await until(() => g.entered === 1, 3000, "the handler to start");
    const shutdown = h.server.shutdown();
    g.open();
    await assert.rejects(call, isStatus(Code.NotFound, "thing x not found"));
    await within(shutdown, 3000, "shutdown");
  });

  it("idle connections are closed at once", async (t) => {
    const h = await startServer(t);
    const { client, svc } = await h.streaming();
    await svc.echo({});
    await within(h.server.shutdown(), 3000, "shutdown with only idle connections");
    await within(client.wait(), 3000, "client close");
  });

  it("with timeoutMs, calls still running end with UNAVAILABLE", async (t) => {
    let signal: AbortSignal | undefined;
    const h = await startServer(t, {
      impl: {
        echo: async (_req, ctx) => {
          signal = ctx.signal;
          await forever();
          return {};
        },
      },
    });
    const { svc } = await h.streaming();
    const call = quiet(svc.echo({}));
    await until(() => signal !== undefined, 3000, "the handler to start");
    await within(h.server.shutdown({ timeoutMs: 200 }), 5000, "shutdown with a timeout");
    const e = await failure(call);
    assert.equal(e.code, Code.Unavailable);
    assert.equal(signal?.aborted, true);
  });

  it("shutdown twice, then close, is fine; listen afterwards is refused", async (t) => {
    const h = await startServer(t);
    await h.server.shutdown();
    await h.server.shutdown();
    await h.server.close();
    await assert.rejects(h.server.listen(`${h.path}.2`), /shut down/);
  });

  it("a server shut down before it listens refuses to listen (Go's TestImmediateServerShutdown)", async () => {
    const s = new Server();
    await within(s.shutdown(), 2000, "shutdown of a server that never listened");
    const tmp = tempDir();
    try {
      await assert.rejects(s.listen(tmp.path("x.sock")), /shut down/);
      assert.equal(existsSync(tmp.path("x.sock")), false);
    } finally {
      tmp.cleanup();
    }
  });
});

describe("close", { timeout: 30_000 }, () => {
  it("ends calls in progress with UNAVAILABLE `ttrpc: server closed` and aborts their handlers", async (t) => {
    let signal: AbortSignal | undefined;
    const h = await startServer(t, {
      impl: {
        echo: async (_req, ctx) => {
          signal = ctx.signal;
          await forever();
          return {};
        },
        async *divideStream(_req, ctx) {
          yield { add: 1 };
          await forever();
          void ctx;
        },
      },
    });
    const { client, svc } = await h.streaming();
    const call = quiet(svc.echo({}));
    const it = svc.divideStream({})[Symbol.asyncIterator]();
    await it.next();
    await until(() => signal !== undefined, 3000, "the handler to start");
    await within(h.server.close(), 3000, "close");
    await assert.rejects(call, isStatus(Code.Unavailable, "ttrpc: server closed"));
    await assert.rejects(it.next(), isStatus(Code.Unavailable));
    assert.equal(signal?.aborted, true);
    assert.ok(signal?.reason instanceof TtrpcError);
    await within(client.wait(), 3000, "client close");
    assert.equal(existsSync(h.path), false);
  });

  it("the server forgets connections the client closed (Go's TestServerConnectionsLeak)", async (t) => {
    const h = await startServer(t);
    const clients = await Promise.all([h.connect(), h.connect(), h.connect()]);
    await Promise.all(clients.map((c) => createClient(Streaming, c).echo({})));
    assert.equal(h.server.connectionCount, 3);
    for (const c of clients) c.close();
    await until(() => h.server.connectionCount === 0, 3000, "connection count back to 0");
  });

  it("serve() on a closed server drops the socket", async (t) => {
    const h = await startServer(t);
    await h.server.close();
    const { PassThrough } = await import("node:stream");
    const sock = new PassThrough();
    h.server.serve(sock);
    assert.equal(sock.destroyed, true);
  });
});

describe("listen and socket files", { timeout: 30_000 }, () => {
  it("creates the socket file with mode 0600 by default", async (t) => {
    const h = await startServer(t);
    assert.equal(statSync(h.path).mode & 0o777, 0o600);
  });

  it("socketMode sets another mode", async (t) => {
    const h = await startServer(t, { server: { socketMode: 0o660 } });
    assert.equal(statSync(h.path).mode & 0o777, 0o660);
  });

  it("removes the socket file on close and on shutdown", async () => {
    const tmp = tempDir();
    try {
      for (const stop of ["close", "shutdown"] as const) {
        const path = tmp.path(`${stop}.sock`);
        const s = new Server();
        await s.listen(path);
        assert.ok(existsSync(path));
        await s[stop]();
        assert.equal(existsSync(path), false, `after ${stop}`);
      }
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses to clobber the socket of a live server", async (t) => {
    const h = await startServer(t);
    const other = new Server();
    await assert.rejects(other.listen(h.path), /another server is accepting connections/);
    await other.close();
    // The first server is untouched.
    assert.ok(existsSync(h.path));
    const { svc } = await h.streaming();
    assert.equal((await svc.echo({ seq: 1 })).seq, 2);
  });

  it("replaces a stale socket file", async () => {
    const tmp = tempDir();
    const path = tmp.path("stale.sock");
    const s = new Server().register(Streaming, streamingImpl());
    try {
      makeStaleSocket(path);
      await s.listen(path);
      const client = await connect(path);
      assert.equal((await createClient(Streaming, client).echo({ seq: 1 })).seq, 2);
      client.close();
    } finally {
      await s.close();
      tmp.cleanup();
    }
  });

  it("refuses a path that is not a socket, and leaves the file alone", async () => {
    const tmp = tempDir();
    const path = tmp.path("file");
    writeFileSync(path, "keep me");
    const s = new Server();
    try {
      await assert.rejects(s.listen(path), /not a socket/);
      assert.ok(existsSync(path));
    } finally {
      await s.close();
      tmp.cleanup();
    }
  });

  it("unix:// addresses work", async () => {
    const tmp = tempDir();
    const path = tmp.path("u.sock");
    const s = new Server().register(Streaming, streamingImpl());
    try {
      await s.listen(`unix://${path}`);
      const client = await connect(`unix://${path}`);
      assert.equal((await createClient(Streaming, client).echo({ seq: 3 })).seq, 4);
      client.close();
    } finally {
      await s.close();
      tmp.cleanup();
    }
  });

  it("abstract sockets (@name) leave no file", async () => {
    const name = `@ttrpc-rt-test-${process.pid}-${Date.now()}`;
    const s = new Server().register(Streaming, streamingImpl());
    try {
      await s.listen(name);
      const raw = await RawPeer.connect(`\0${name.slice(1)}`);
      raw.destroy();
      const client = await connect(name);
      const svc = createClient(Streaming, client);
      assert.equal((await svc.echo({ seq: 0 })).seq, 1);
      assert.equal((await collect(svc.divideStream({ sum: 0, num: 0 }))).length, 2);
      client.close();
    } finally {
      await s.close();
    }
  });
});
