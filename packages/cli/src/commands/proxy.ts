import { unlinkSync } from "node:fs";
import * as net from "node:net";
import { type Address, dial, FrameParser, parseAddress } from "@ttrpc-ts/runtime/protocol";
import { CallTap, type Direction } from "../call-tap.js";
import { CliError, errorMessage } from "../cli-error.js";
import { parseDuration } from "../duration.js";
import { ExitCode } from "../exit-codes.js";
import type { JsonOutputOptions } from "../json-codec.js";
import { loadSchema, type SchemaOptions } from "../schema/load-schema.js";
import type { CommandIo } from "./io.js";

/** Options of `ttrpc proxy`, as parsed by commander. */
export interface ProxyCommandOptions extends SchemaOptions {
  listen: string;
  to: string;
  connectTimeout?: string | undefined;
  emitDefaults?: boolean | undefined;
  protoFieldNames?: boolean | undefined;
}

/**
 * `ttrpc proxy --listen A --to B`: accepts ttrpc connections on A, opens one
 * to B for each, forwards the bytes unchanged both ways, and prints every
 * call it sees. Runs until SIGINT/SIGTERM (or `signal` aborts, for tests).
 */
export async function runProxy(options: ProxyCommandOptions, io: CommandIo, signal?: AbortSignal): Promise<number> {
  const listen = address(options.listen, "--listen");
  const to = address(options.to, "--to");
  if (listen.kind === "hvsock" || listen.kind === "pipe")
    throw new CliError(`--listen: ${listen.kind} addresses are not supported by the proxy`);
  const connectTimeoutMs = parseDuration(options.connectTimeout ?? "5s", "--connect-timeout");
  const schema = hasSchema(options) ? await loadSchema(options) : undefined;
  const output: JsonOutputOptions = {
    emitDefaults: options.emitDefaults === true,
    protoFieldNames: options.protoFieldNames === true,
    pretty: false,
  };
  const print = (line: string): void => void io.stdout.write(`${line}\n`);

  let connections = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const n = ++connections;
    open.add(client);
    client.once("close", () => open.delete(client));
    void forward(client, n);
  });

  async function forward(client: net.Socket, n: number): Promise<void> {
    const prefix = `[${n}]`;
    client.pause();
    client.on("error", () => {});
    let upstream: net.Socket;
    try {
      upstream = await dial(to, { timeoutMs: connectTimeoutMs });
    } catch (e) {
      print(`${prefix} cannot reach ${options.to}: ${errorMessage(e)}; closing the client`);
      client.destroy();
      return;
    }
    open.add(upstream);
    upstream.once("close", () => open.delete(upstream));
    upstream.on("error", () => {});
    print(`${prefix} connected: client → ${options.to}`);
    const tap = new CallTap(prefix, schema, output, print);
    const watch = (from: net.Socket, direction: Direction): void => {
      // The tap's parser has no practical limit: it must follow whatever the peers accept.
      const parser = new FrameParser(0x7fffffff, {
        frame: (streamId, type, flags, payload) => tap.frame(direction, { streamId, type, flags, payload }),
        oversize: (id, type, _flags, length) => tap.oversize(direction, id, type, length),
      });
      from.on("data", (chunk: Buffer) => {
        try {
          parser.push(chunk);
        } catch (e) {
          print(
            `${prefix} ${direction === "request" ? "client" : "server"} sent bytes that are not ttrpc frames (${errorMessage(e)}); still forwarding`,
          );
          from.removeAllListeners("data");
          from.on("data", () => {});
        }
      });
    };
    watch(client, "request");
    watch(upstream, "response");
    client.pipe(upstream);
    upstream.pipe(client);
    let done = false;
    const end = (who: string): void => {
      if (done) return;
      done = true;
      tap.closed(`${who} closed the connection`);
      print(`${prefix} closed by the ${who}`);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", () => end("client"));
    upstream.once("close", () => end("server"));
  }

  const where = listen.kind === "tcp" ? { host: listen.host, port: listen.port } : { path: listen.path };
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new CliError(`cannot listen on ${options.listen}: ${e.code === "EADDRINUSE" ? "address in use" : errorMessage(e)}`)),
    );
    server.listen(where, () => resolve());
  });
  const bound = server.address();
  const shown = typeof bound === "object" && bound !== null ? `tcp://${bound.address}:${bound.port}` : options.listen;
  io.stderr.write(
    `ttrpc proxy: listening on ${shown}, forwarding to ${options.to}${schema ? "" : " (no schema: messages shown as bytes)"}\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop, { once: true });
  });
  server.close();
  for (const s of open) s.destroy();
  if (listen.kind === "unix" && !listen.abstract) {
    try {
      unlinkSync(listen.path);
    } catch {
      // Already gone.
    }
  }
  return ExitCode.Ok;
}

function address(text: string, option: string): Address {
  try {
    return parseAddress(text);
  } catch (e) {
    throw new CliError(`${option}: invalid address: ${errorMessage(e)}`);
  }
}

function hasSchema(o: SchemaOptions): boolean {
  return (o.proto ?? []).length > 0 || (o.descriptorSet ?? []).length > 0;
}
