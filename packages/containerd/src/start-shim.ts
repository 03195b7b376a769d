import { spawn } from "node:child_process";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { BootstrapParamsSchema, type BootstrapResult } from "./gen/runtime/bootstrap/v1/bootstrap_pb.js";
import { validateNamespace } from "./namespace.js";
import { shimSocketAddress } from "./shim-address.js";
import { parseStartResult } from "./start-result.js";

/** Options for {@link startShim}. */
export interface StartShimOptions {
  /** The bundle directory (the shim's working directory): `config.json`, `rootfs`, and a `log` fifo someone reads. */
  bundle: string;
  /** The task (container) id: `-id` and BootstrapParams.instance_id. */
  id: string;
  /** The containerd namespace: `-namespace` and BootstrapParams.namespace. */
  namespace: string;
  /** The shim binary, a path or a name looked up on PATH. Default `containerd-shim-runc-v2`. */
  binary?: string | undefined;
  /**
   * `bootstrap` (default): containerd 2.3+'s protocol, BootstrapParams on
   * stdin. `legacy`: empty stdin, as containerd 1.x started shims; 2.3+
   * shims refuse it.
   */
  protocol?: "bootstrap" | "legacy" | undefined;
  /** Where the shim publishes events (`TTRPC_ADDRESS`): containerd's ttrpc socket, or your own Events server. */
  ttrpcAddress?: string | undefined;
  /** containerd's gRPC socket (`-address`); shims also derive their socket name from it. Default "". */
  grpcAddress?: string | undefined;
  /** Directory for the shim's socket (bootstrap only). Default: the shim's, `/run/containerd/s`. */
  socketDir?: string | undefined;
  /**
   * Further BootstrapParams fields (log level, extensions, ...). The id,
   * namespace, addresses and socket directory come from the options above.
   */
  params?: MessageInitShape<typeof BootstrapParamsSchema> | undefined;
  /** Passes `-debug`. */
  debug?: boolean | undefined;
  /** Extra environment for the shim, on top of this process's. */
  env?: Readonly<Record<string, string>> | undefined;
  /** Give up (and kill `start`) after this many ms. Default 30000. */
  timeoutMs?: number | undefined;
}

/** A started shim: where to connect, and what it reported. */
export interface StartedShim {
  /** The shim's ttrpc socket address, ready for {@link connectShim}. */
  address: string;
  /** The shim API version it speaks: 3 for containerd 2.x shims (task v3), 2 for older ones (task v2). */
  version: number;
  /** Everything the shim reported (capabilities, metadata, extensions). */
  result: BootstrapResult;
}

/**
 * Starts a shim the way containerd does: runs `<binary> -namespace NS -id ID
 * -address A start` in the bundle, writes BootstrapParams to its stdin
 * (or nothing, with `protocol: "legacy"`), and reads where the shim daemon
 * listens from its stdout. The daemon outlives this call; end it with the
 * task API's Shutdown.
 */
export async function startShim(options: StartShimOptions): Promise<StartedShim> {
  const { bundle, id, namespace } = options;
  validateNamespace(namespace);
  if (id === "") throw new Error("shim id is empty");
  const binary = options.binary ?? "containerd-shim-runc-v2";
  const grpcAddress = options.grpcAddress ?? "";
  const ttrpcAddress = options.ttrpcAddress ?? "";
  const args = ["-namespace", namespace, "-id", id, "-address", grpcAddress];
  if (options.debug) args.push("-debug");
  args.push("start");

  let stdin = new Uint8Array(0);
  if ((options.protocol ?? "bootstrap") === "bootstrap") {
    const params = create(BootstrapParamsSchema, options.params);
    // The shim refuses params whose id or namespace differ from its flags.
    params.instanceId = id;
    params.namespace = namespace;
    params.containerdGrpcAddress = grpcAddress;
    params.containerdTtrpcAddress = ttrpcAddress;
    if (options.socketDir !== undefined) params.socketDir = options.socketDir;
    stdin = toBinary(BootstrapParamsSchema, params);
  }
  const env = { ...process.env, TTRPC_ADDRESS: ttrpcAddress, GRPC_ADDRESS: grpcAddress, NAMESPACE: namespace, ...options.env };
  const stdout = await run(binary, args, { cwd: bundle, env, stdin, timeoutMs: options.timeoutMs ?? 30_000 });
  const result = parseStartResult(stdout);
  return { address: shimSocketAddress(result.address, result.protocol || "ttrpc"), version: result.version, result };
}

interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Uint8Array;
  timeoutMs: number;
}

/** Runs `start` to completion; its stdout, or an error with its stderr. */
function run(binary: string, args: string[], o: RunOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: o.cwd, env: o.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    // A shim that exits without reading stdin makes the write fail (EPIPE); its exit status tells why.
    child.stdin.on("error", () => {});
    child.stdin.end(o.stdin);
    const command = `${binary} ${args.join(" ")}`;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command}: no result after ${o.timeoutMs} ms (killed)`));
    }, o.timeoutMs);
    child.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(e.code === "ENOENT" ? `${command}: ${binary} not found` : `${command}: ${e.message}`, { cause: e }));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else {
        const why = Buffer.concat(err).toString().trim() || Buffer.concat(out).toString().trim();
        reject(new Error(`${command} exited ${code ?? signal}${why ? `: ${why}` : ""}`));
      }
    });
  });
}
