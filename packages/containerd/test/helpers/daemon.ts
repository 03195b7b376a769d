// A real containerd 2.x daemon in a temp directory: its own root, state,
// sockets and shim socket directory, CRI off, the built shim first on PATH.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@ttrpc-ts/runtime";
import { alive, waitFor } from "./processes.js";

export interface Daemon {
  /** containerd's gRPC socket (for ctr). */
  readonly address: string;
  /** containerd's ttrpc socket (what shims get as TTRPC_ADDRESS). */
  readonly ttrpcAddress: string;
  /** What the daemon logged so far. */
  log(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/** Starts containerd from `bin` in `dir` (which must exist) and waits until its ttrpc socket answers. */
export async function startDaemon(bin: string, dir: string): Promise<Daemon> {
  const address = join(dir, "containerd.sock");
  const ttrpcAddress = join(dir, "containerd.sock.ttrpc");
  for (const d of ["root", "state", "opt", "sockets"]) mkdirSync(join(dir, d));
  const config = join(dir, "config.toml");
  writeFileSync(
    config,
    `version = 4
root = '${join(dir, "root")}'
state = '${join(dir, "state")}'
imports = []
# No Kubernetes here: CRI (and the NRI it starts) stay off.
disabled_plugins = ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime', 'io.containerd.cri.v1.images', 'io.containerd.nri.v1.nri']

[plugins.'io.containerd.server.v1.grpc']
  address = '${address}'
[plugins.'io.containerd.server.v1.ttrpc']
  address = '${ttrpcAddress}'
[plugins.'io.containerd.internal.v1.opt']
  path = '${join(dir, "opt")}'
[plugins.'io.containerd.shim.v1.manager']
  socket_dir = '${join(dir, "sockets")}'
`,
  );
  const chunks: string[] = [];
  const child: ChildProcess = spawn(join(bin, "containerd"), ["--config", config], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (b: Buffer) => chunks.push(b.toString()));
  child.stderr?.on("data", (b: Buffer) => chunks.push(b.toString()));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const daemon: Daemon = {
    address,
    ttrpcAddress,
    log: () => chunks.join(""),
    async stop() {
      if (exited || child.pid === undefined) return;
      child.kill("SIGTERM");
      const pid = child.pid;
      try {
        await waitFor(() => exited || !alive(pid), `containerd ${pid} to exit`, 10_000);
      } catch {
        child.kill("SIGKILL");
        await waitFor(() => exited, `containerd ${pid} to die`, 5_000);
      }
    },
  };
  try {
    await waitFor(() => exited || existsSync(ttrpcAddress), "containerd's ttrpc socket", 30_000);
    if (exited) throw new Error("containerd exited at start");
    (await connect(ttrpcAddress)).close();
  } catch (e) {
    await daemon.stop();
    throw new Error(`containerd did not start: ${(e as Error).message}\n${daemon.log()}`);
  }
  return daemon;
}
