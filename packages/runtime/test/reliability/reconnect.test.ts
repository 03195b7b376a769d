// A ReconnectingConnection while its server process is killed (SIGKILL) and
// restarted on the same socket, under load: every call settles, and each as
// documented (ok, or UNAVAILABLE for calls in flight on the dead connection).
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import { type ConnectionState, ReconnectingConnection } from "@ttrpc-ts/runtime/reconnect";
import { type ChildServer, startChildServer } from "../support/child-server.js";
import { socketPath } from "../support/socket-path.js";
import { type Msg, msg, TestMethods } from "../support/test-service.js";
import { sleep, waitFor, within } from "../support/wait.js";

const CALLERS = 16;
const RESTARTS = 3;

describe("ReconnectingConnection across server restarts", () => {
  it(`${CALLERS} callers looping while the server is killed -9 and restarted ${RESTARTS} times: every call settles ok or UNAVAILABLE`, async (t) => {
    const path = socketPath("rc");
    let server: ChildServer = await startChildServer(path);
    t.after(() => server.kill("SIGKILL"));
    const states: ConnectionState[] = [];
    const rc = new ReconnectingConnection(path, {
      backoff: { initialMs: 10, maxMs: 100 },
      waitTimeoutMs: 20_000,
      onStateChange: (s) => states.push(s),
    });
    let stop = false;
    t.after(() => {
      stop = true;
      rc.close();
    });

    let started = 0;
    let ok = 0;
    const failures = new Map<string, number>();
    const wrong: string[] = [];
    const caller = async (n: number): Promise<void> => {
      for (let i = 0; !stop && rc.state !== "closed"; i++) {
        started++;
        try {
          const id = n * 1_000_000 + i;
          const res = await rc.unary<Msg, Msg>(TestMethods.echo, msg({ id, delayMs: i % 3 }), { timeoutMs: 15_000 });
          if (res.id !== id) wrong.push(`caller ${n}: sent ${id}, got ${res.id}`);
          ok++;
        } catch (e) {
          const key = e instanceof TtrpcError ? `${Code[e.code]}: ${e.rawMessage.replace(/\d+/g, "N")}` : String(e);
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    };
    const callers = Array.from({ length: CALLERS }, (_, n) => caller(n));

    // Calls that never answer: certainly in flight at each kill.
    const hung: Array<Promise<unknown>> = [];
    for (let r = 1; r <= RESTARTS; r++) {
      const okBefore = ok;
      await waitFor(() => ok >= okBefore + 50, 20_000, `calls succeed before kill ${r}`);
      await waitFor(() => rc.state === "ready", 20_000, "ready");
      for (let h = 0; h < 2; h++)
        hung.push(
          rc.unary(TestMethods.hang, msg()).then(
            () => "answered",
            (e: unknown) => e,
          ),
        );
      await waitFor(() => rc.activeCalls >= 2, 5000, "hung calls in flight");
      assert.equal(await server.kill("SIGKILL"), "SIGKILL");
      await sleep(150); // down for a while: callers pile up waiting
      const before = rc.connects;
      server = await startChildServer(path);
      await waitFor(() => rc.connects > before && rc.state === "ready", 20_000, `reconnected after restart ${r}`);
    }
    const okBefore = ok;
    await waitFor(() => ok >= okBefore + 50, 20_000, "calls succeed after the last restart");
    stop = true;
    await within(Promise.all(callers), 20_000, "every caller's last call settles");

    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    t.diagnostic(`calls started ${started}, ok ${ok}, failed ${failed}: ${JSON.stringify(Object.fromEntries(failures))}`);
    assert.equal(ok + failed, started, "every call settled exactly once");
    assert.deepEqual(wrong, [], "no crossed replies");
    for (const key of failures.keys())
      assert.match(key, /^Unavailable: ttrpc: closed/, "the only failure: in flight on a dropped connection");
    const hungResults = await within(Promise.all(hung), 5000, "hung calls settle");
    assert.equal(hungResults.length, 2 * RESTARTS);
    for (const e of hungResults) {
      assert.ok(e instanceof TtrpcError && e.code === Code.Unavailable, `hung call: ${String(e)}`);
    }
    // One connect per restart, plus any to a listener that was dying as we
    // redialed (its process killed but its socket not yet closed).
    assert.ok(rc.connects >= RESTARTS + 1, `${rc.connects} connects`);
    assert.deepEqual(states, Array.from({ length: rc.connects }, () => ["connecting", "ready"]).flat());
    rc.close();
    assert.equal(rc.state, "closed");
  });
});
