// A stand-in for a Firecracker / Cloud Hypervisor hybrid vsock device: it
// accepts on the VMM's unix socket, reads `CONNECT <port>\n`, and if a
// "guest" listens on that port answers `OK <hostport>\n` and pipes the rest
// to it; otherwise it closes without a reply, as the real VMMs do.
import * as net from "node:net";

/** A fake VMM socket and what it saw. */
export interface FakeVmm {
  /** CONNECT lines received, in order (without the newline). */
  readonly commands: string[];
  close(): Promise<void>;
}

/** How the fake VMM answers. */
export interface FakeVmmOptions {
  /** Guest vsock ports and the unix socket of the ttrpc server behind each. */
  ports: Map<number, string>;
  /**
   * Hold the OK line until the guest has sent its first bytes, then send
   * both in one write (the guest is the ttrpc client here, so it speaks
   * first): the dialer must not swallow bytes that share a read with OK.
   */
  coalesce?: boolean;
  /** Close without a reply to this many CONNECTs first (the agent is still booting). */
  refuseFirst?: number;
}

export async function startFakeVmm(path: string, options: FakeVmmOptions): Promise<FakeVmm> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  let refusals = options.refuseFirst ?? 0;
  const server = net.createServer((host) => {
    sockets.add(host);
    host.on("close", () => sockets.delete(host));
    host.on("error", () => {});
    let line = "";
    const onData = (chunk: Buffer): void => {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        line += chunk.toString("latin1");
        return;
      }
      host.off("data", onData);
      host.pause();
      line += chunk.toString("latin1", 0, nl);
      commands.push(line);
      const rest = chunk.subarray(nl + 1);
      const m = /^CONNECT (\d+)$/.exec(line);
      const target = m ? options.ports.get(Number(m[1])) : undefined;
      if (target === undefined || refusals > 0) {
        refusals--;
        host.destroy();
        return;
      }
      const guest = net.connect(target);
      sockets.add(guest);
      guest.on("close", () => sockets.delete(guest));
      guest.on("error", () => host.destroy());
      const ok = Buffer.from("OK 1073741824\n");
      const pipe = (): void => {
        if (rest.length > 0) guest.write(rest);
        host.pipe(guest);
        guest.pipe(host);
        host.resume();
      };
      guest.once("connect", () => {
        if (!options.coalesce) {
          host.write(ok);
          pipe();
          return;
        }
        guest.once("data", (first: Buffer) => {
          guest.pause();
          host.write(Buffer.concat([ok, first]));
          pipe();
          guest.resume();
        });
      });
    };
    host.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
