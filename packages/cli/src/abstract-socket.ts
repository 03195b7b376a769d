import { spawn } from "node:child_process";
import { Duplex } from "node:stream";
import { CliError } from "./cli-error.js";
import { ExitCode } from "./exit-codes.js";

/**
 * Whether this Node pads abstract socket names. libuv before 1.48 (Node 20
 * bundles 1.46) binds and connects abstract sockets with the whole
 * `sun_path` as the name, so `@foo` becomes "foo" plus about a hundred NUL
 * bytes. Go, Rust and C servers use the exact name, and such a connect is
 * refused. (libuv PR #4266 fixed it.)
 */
export function padsAbstractNames(uvVersion: string = process.versions.uv ?? "0.0.0"): boolean {
  if (process.platform !== "linux") return false;
  const [major = 0, minor = 0] = uvVersion.split(".").map(Number);
  return major < 1 || (major === 1 && minor < 48);
}

// Connects to the exact abstract name, writes one 0x01 byte once connected,
// then relays stdin to the socket and the socket to stdout. EOF on stdin
// means the CLI is done (or gone): exit at once so nothing lingers.
const RELAY = `
import os, socket, sys, threading
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("\\0" + sys.argv[1])
except OSError as e:
    sys.stderr.write(e.strerror or str(e))
    sys.exit(3)
out = sys.stdout.buffer
out.write(b"\\x01"); out.flush()
def upstream():
    try:
        while True:
            b = os.read(0, 65536)
            if not b:
                break
            s.sendall(b)
    except OSError:
        pass
    os._exit(0)
threading.Thread(target=upstream, daemon=True).start()
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out.write(b); out.flush()
except OSError:
    pass
os._exit(0)
`;

/**
 * Connects to abstract socket `name` (without the `@`) through a small
 * python3 relay process, for Node versions that pad abstract names (see
 * {@link padsAbstractNames}). Resolves with a Duplex carrying the
 * connection; fails with a {@link CliError} (exit 2) when the socket refuses
 * or python3 is not available.
 */
export function connectAbstractViaRelay(name: string, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", RELAY, name], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      reject(new CliError(message, ExitCode.Unreachable));
    };
    const timer = setTimeout(() => fail(`connect @${name}: timed out after ${timeoutMs} ms`), timeoutMs);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      stderr += d;
    });
    child.once("error", (e: NodeJS.ErrnoException) => {
      fail(
        e.code === "ENOENT"
          ? `connect @${name}: this Node (${process.version}, libuv ${process.versions.uv}) cannot reach abstract sockets of non-Node ` +
              "servers, and python3, used as a fallback, is not installed; run ttrpc with Node 22 or newer, or install python3"
          : `connect @${name}: cannot start the python3 relay: ${e.message}`,
      );
    });
    child.once("exit", (code) => {
      if (settled) return;
      const reason = stderr.trim().toLowerCase() || `relay exited with status ${code}`;
      fail(`connect @${name}: ${reason.includes("refused") ? "connection refused (no server is listening on this socket)" : reason}`);
    });
    child.stdout.once("readable", function onReadable() {
      const marker = child.stdout.read(1) as Buffer | null;
      if (marker === null) {
        child.stdout.once("readable", onReadable);
        return;
      }
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      // The relay holds our connection: end it with the stream, whichever closes first.
      const duplex = Duplex.from({ readable: child.stdout, writable: child.stdin });
      duplex.once("close", () => child.kill());
      child.stdin.on("error", () => {});
      resolve(duplex);
    });
  });
}
