import type { DescMethod, Message } from "@bufbuild/protobuf";
import { type CallOptions, Code, type Connection, codeName, connect, TtrpcError } from "@ttrpc-ts/runtime";
import { parseAddress } from "@ttrpc-ts/runtime/protocol";
import { connectAbstractViaRelay, padsAbstractNames } from "../abstract-socket.js";
import { parseByteSize } from "../byte-size.js";
import { CliError, errorMessage } from "../cli-error.js";
import { parseDuration } from "../duration.js";
import { ExitCode, rpcExitCode } from "../exit-codes.js";
import { formatStatus } from "../format-status.js";
import { formatJsonMessage, type JsonOutputOptions, parseJsonMessage } from "../json-codec.js";
import { parseMetadataPair } from "../metadata-option.js";
import { BrokenPipeError, LineWriter } from "../output.js";
import { checkRequestInput, readRequestLines, readSingleRequest, requestInput } from "../request-input.js";
import { findMethod } from "../schema/find-method.js";
import { loadSchema, type SchemaOptions } from "../schema/load-schema.js";
import { VerboseLog } from "../verbose-log.js";
import type { CommandIo } from "./io.js";

/** Options of `ttrpc call`, as parsed by commander. */
export interface CallCommandOptions extends SchemaOptions {
  data?: string | undefined;
  metadata?: string[] | undefined;
  /** `-H`, the same as `-m`. */
  header?: string[] | undefined;
  timeout?: string | undefined;
  connectTimeout?: string | undefined;
  maxMessageSize?: string | undefined;
  emitDefaults?: boolean | undefined;
  protoFieldNames?: boolean | undefined;
  /** `--pretty` / `--no-pretty`; unset: pretty on a terminal. */
  pretty?: boolean | undefined;
  verbose?: boolean | undefined;
}

/** Default for `--connect-timeout`: short, since a local socket answers at once or never. */
export const DEFAULT_CONNECT_TIMEOUT = "5s";

/**
 * `ttrpc call ADDRESS METHOD [JSON]`: sends one call and prints the
 * responses as JSON, one line per message. Returns the exit status (see
 * {@link ExitCode}); throws {@link CliError} for bad input.
 */
export async function runCall(
  address: string,
  methodName: string,
  json: string | undefined,
  options: CallCommandOptions,
  io: CommandIo,
): Promise<number> {
  // Check every option before doing any work.
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, "--timeout");
  const connectTimeoutMs = parseDuration(options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT, "--connect-timeout");
  const maxMessageSize = options.maxMessageSize === undefined ? undefined : parseByteSize(options.maxMessageSize, "--max-message-size");
  const metadata = [...(options.metadata ?? []), ...(options.header ?? [])].map(parseMetadataPair);
  const output: JsonOutputOptions = {
    emitDefaults: options.emitDefaults === true,
    protoFieldNames: options.protoFieldNames === true,
    pretty: options.pretty ?? io.stdout.isTTY === true,
  };
  const log = new VerboseLog(io.stderr, options.verbose === true);

  const schema = await loadSchema(options);
  const method = findMethod(schema, methodName);
  log.info(`method ${method.parent.typeName}/${method.name} (${method.methodKind}), schema loaded`);
  const clientStreams = method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming";
  const input = requestInput(json, options.data, io.stdin.isTTY === true, clientStreams);
  checkRequestInput(input);

  // A single request is parsed before connecting: bad JSON never reaches the server.
  let single: Message | undefined;
  if (!clientStreams) {
    const req = await readSingleRequest(input, io.stdin);
    single = parseJsonMessage(method.input, req.text, schema.types, req.where);
  }

  const client = await connectOrExplain(address, {
    ...(maxMessageSize === undefined ? {} : { maxMessageSize }),
    connectTimeoutMs,
  });
  log.info(`connected to ${address}`);
  log.request(metadata, timeoutMs);

  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once("SIGINT", onSigint);
  const out = new LineWriter(io.stdout);
  const print = (m: Message): Promise<void> => {
    log.response();
    return out.write(formatJsonMessage(method.output, m, schema.types, output));
  };
  const callOptions: CallOptions = {
    timeoutMs,
    metadata,
    signal: abort.signal,
  };

  // A bad or unreadable request stream fails the call (the runtime sees a
  // failed iterable); remember why, to report it as bad input.
  let inputError: CliError | undefined;
  const requests = async function* (): AsyncGenerator<Message> {
    try {
      for await (const line of readRequestLines(input, io.stdin)) {
        const request = parseJsonMessage(method.input, line.text, schema.types, line.where);
        log.sent();
        yield request;
      }
    } catch (e) {
      inputError = e instanceof CliError ? e : new CliError(`cannot read the requests: ${errorMessage(e)}`);
      throw inputError;
    }
  };

  if (single !== undefined) log.sent();
  try {
    await invoke(client, method, single, requests(), callOptions, print);
    log.done("OK");
    return ExitCode.Ok;
  } catch (e) {
    log.done(e instanceof TtrpcError ? codeName(e.code) : "failed");
    if (inputError) throw inputError;
    if (e instanceof BrokenPipeError) return ExitCode.Ok;
    if (abort.signal.aborted) {
      io.stderr.write("ttrpc: interrupted\n");
      return ExitCode.Interrupted;
    }
    if (e instanceof TtrpcError) {
      io.stderr.write(formatStatus(e, schema.types));
      return rpcExitCode(e.code);
    }
    throw e;
  } finally {
    process.off("SIGINT", onSigint);
    client.close();
  }
}

async function invoke(
  client: Connection,
  method: DescMethod,
  single: Message | undefined,
  requests: AsyncIterable<Message>,
  options: CallOptions,
  print: (m: Message) => Promise<void>,
): Promise<void> {
  switch (method.methodKind) {
    case "unary":
      await print(await client.unary<Message, Message>(method, need(single), options));
      return;
    case "server_streaming":
      for await (const m of client.serverStream<Message, Message>(method, need(single), options)) await print(m);
      return;
    case "client_streaming":
      await print(await client.clientStream<Message, Message>(method, requests, options));
      return;
    case "bidi_streaming":
      for await (const m of client.bidiStream<Message, Message>(method, requests, options)) await print(m);
      return;
  }
}

/**
 * Connects, turning failures into one-line {@link CliError}s (exit 2, or 1
 * for a malformed address). An abstract address that this Node cannot reach
 * natively (it pads the name, see padsAbstractNames) is retried through a
 * relay process.
 */
async function connectOrExplain(address: string, options: { maxMessageSize?: number; connectTimeoutMs: number }): Promise<Connection> {
  let abstractName: string | undefined;
  try {
    const target = parseAddress(address);
    if (target.kind === "unix" && target.abstract) abstractName = target.path.slice(1);
  } catch (e) {
    throw new CliError(`invalid address: ${errorMessage(e)}`);
  }
  try {
    return await connect(address, options);
  } catch (e) {
    const cause = e instanceof Error ? (e.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (abstractName !== undefined && cause?.code === "ECONNREFUSED" && padsAbstractNames()) {
      // A Node server would have accepted the padded name; try the exact one.
      const relay = await connectAbstractViaRelay(abstractName, options.connectTimeoutMs);
      return connect(relay, options);
    }
    if (e instanceof TtrpcError) {
      if (e.code === Code.InvalidArgument) throw new CliError(`invalid address: ${e.rawMessage}`);
      throw new CliError(`cannot reach the server: ${e.rawMessage}`, ExitCode.Unreachable);
    }
    throw new CliError(`cannot reach the server at ${address}: ${errorMessage(e)}`, ExitCode.Unreachable);
  }
}

function need(m: Message | undefined): Message {
  if (m === undefined) throw new Error("internal: request missing for a single-request call");
  return m;
}
