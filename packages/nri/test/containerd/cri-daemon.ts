// A real containerd 2.x with CRI and NRI on, in a temp directory: its own
// root, state, sockets, NRI socket and (empty) NRI plugin directory; the built
// runc shim first on PATH; CRI's streaming server on 127.0.0.1.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CriDaemon {
  /** containerd's gRPC socket: CRI for crictl, and ctr's API. */
  readonly address: string;
  /** The socket external NRI plugins connect to. */
  readonly nriSocket: string;
  /** What the daemon logged so far. */
  log(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

async function until(what: string, ms: number, done: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts containerd from `bin` in `dir`, pinning `sandboxImage` as the pods' sandbox image. */
export async function startCriDaemon(bin: string, dir: string, sandboxImage: string): Promise<CriDaemon> {
  const address = join(dir, "containerd.sock");
  const nriSocket = join(dir, "nri.sock");
  for (const d of ["root", "state", "opt", "sockets", "nri-plugins", "nri-conf", "cni-conf", "cni-bin"]) mkdirSync(join(dir, d));
  const config = join(dir, "config.toml");
  writeFileSync(
    config,
    `version = 4
root = '${join(dir, "root")}'
state = '${join(dir, "state")}'

[plugins.'io.containerd.server.v1.grpc']
  address = '${address}'
[plugins.'io.containerd.server.v1.ttrpc']
  address = '${address}.ttrpc'
[plugins.'io.containerd.internal.v1.opt']
  path = '${join(dir, "opt")}'
[plugins.'io.containerd.shim.v1.manager']
  socket_dir = '${join(dir, "sockets")}'
[plugins.'io.containerd.nri.v1.nri']
  disable = false
  socket_path = '${nriSocket}'
  plugin_path = '${join(dir, "nri-plugins")}'
  plugin_config_path = '${join(dir, "nri-conf")}'
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = '127.0.0.1'
  stream_server_port = '0'
[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = '${sandboxImage}'
[plugins.'io.containerd.cri.v1.runtime']
  # Pods' processes may not go below containerd's own OOM score here.
  restrict_oom_score_adj = true
[plugins.'io.containerd.cri.v1.runtime'.cni]
  # Host-network pods only: no CNI plugin is needed.
  conf_dir = '${join(dir, "cni-conf")}'
  bin_dirs = ['${join(dir, "cni-bin")}']
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
  const daemon: CriDaemon = {
    address,
    nriSocket,
    log: () => chunks.join(""),
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      try {
        await until("containerd to exit", 15_000, () => exited);
      } catch {
        child.kill("SIGKILL");
        await until("containerd to die", 5_000, () => exited);
      }
    },
  };
  try {
    // CRI starts NRI, and CRI is up once NRI's socket exists.
    await until("containerd's NRI socket", 60_000, () => exited || existsSync(nriSocket));
    if (exited) throw new Error("containerd exited at start");
  } catch (e) {
    await daemon.stop();
    throw new Error(`containerd did not start: ${(e as Error).message}\n${daemon.log()}`);
  }
  return daemon;
}

/** Unmounts whatever is still mounted under `dir` (after a failed run), deepest first. */
export function unmountUnder(dir: string): void {
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync("umount", ["-l", m]);
    } catch {
      // Gone already.
    }
  }
}

/**
 * After a failed run: deletes runc containers whose bundle is under `dir`
 * and kills the shims that served that daemon (found by its socket path).
 */
export function killLeftovers(dir: string): void {
  const runcRoot = "/run/containerd/runc/k8s.io";
  try {
    const list = JSON.parse(execFileSync("runc", ["--root", runcRoot, "list", "--format", "json"], { encoding: "utf8" }) || "[]") as Array<{
      id: string;
      bundle: string;
    }> | null;
    for (const c of list ?? []) {
      if (c.bundle.startsWith(`${dir}/`)) execFileSync("runc", ["--root", runcRoot, "delete", "-f", c.id], { stdio: "ignore" });
    }
  } catch {
    // No runc state: nothing ran.
  }
  for (const pid of readdirSync("/proc").filter((p) => /^[0-9]+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("containerd-shim-runc-v2") && cmd.includes(`${dir}/containerd.sock`)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }
}
