import { Command, Option } from "commander";
import { CliError } from "./cli-error.js";
import { DEFAULT_CONNECT_TIMEOUT, runCall } from "./commands/call.js";
import { runCompletion, SHELLS } from "./commands/completion.js";
import { runDescribe } from "./commands/describe.js";
import type { CommandIo } from "./commands/io.js";
import { runList } from "./commands/list.js";
import { runProxy } from "./commands/proxy.js";
import { ExitCode } from "./exit-codes.js";
import {
  ADDRESS_HELP,
  CALL_EXAMPLES,
  CALL_IO_HELP,
  DESCRIBE_EXAMPLES,
  EXIT_HELP,
  LIST_EXAMPLES,
  PROXY_EXAMPLES,
  SCHEMA_HELP,
  TOP_EXAMPLES,
} from "./help-text.js";
import { cliVersion } from "./version.js";

// No default value: commander would print "(default: [])" in the help.
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function schemaOptions(cmd: Command): Command {
  return cmd
    .optionsGroup("Schema options:")
    .option("--proto <file>", ".proto file defining the services and messages (repeatable)", collect)
    .option("-I, --import-path <dir>", "directory .proto imports are resolved against, like protoc -I (repeatable)", collect)
    .option("--descriptor-set <file>", "FileDescriptorSet file instead of, or besides, .proto files (repeatable)", collect);
}

/**
 * Builds the `ttrpc` command line. Each action stores its exit status in
 * `result.code`; {@link CliError}s propagate to the caller.
 */
export function createProgram(io: CommandIo, result: { code: number }): Command {
  const program = new Command("ttrpc")
    .description(
      "Call, list and describe ttrpc services (containerd's lightweight RPC over unix sockets) from a shell.\n" +
        "Run `ttrpc help <command>` for the options of a command.",
    )
    .version(cliVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // One prefix for every error, commander's own included.
      outputError: (s, write) => write(s.replace(/^error: /, "ttrpc: ")),
    })
    .addHelpText("after", `${ADDRESS_HELP}\n${SCHEMA_HELP}\n${EXIT_HELP}\n${TOP_EXAMPLES}\n`);

  const call = program
    .command("call")
    .summary("call a method and print the responses as JSON")
    .description("Call METHOD on the ttrpc server at ADDRESS and print the responses as JSON.")
    .argument("<address>", "server address: a path, unix://path, @abstract-name, tcp://host:port, hvsock://path:port")
    .argument("<method>", "SERVICE/METHOD, e.g. containerd.task.v2.Task/State (the service may be shortened when unambiguous)")
    .argument("[json]", "the request in the protobuf JSON mapping (see below for the default)")
    .optionsGroup("Call options:")
    .option("-d, --data <json|@file|@->", "the request: JSON, @FILE to read a file, @- to read stdin")
    .option("-m, --metadata <key=value>", "request metadata (repeatable, a key may repeat; keys are sent in lower case)", collect)
    .option("-H, --header <key=value>", "the same as -m (grpcurl's and curl's spelling)", collect)
    .option("-t, --timeout <duration>", "deadline for the call, also sent to the server (e.g. 500ms, 2s, 1m30s; a bare number is seconds)")
    .addOption(
      new Option("--connect-timeout <duration>", "give up connecting after this long").default(
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
      ),
    )
    .option("--max-message-size <bytes>", "largest message sent or accepted, e.g. 8MiB (default: 4MiB, the ttrpc limit)")
    .optionsGroup("Output options:")
    .option("--emit-defaults", "print fields that hold their default value")
    .option("--proto-field-names", "print field names as in the .proto file instead of lowerCamelCase")
    .option("--pretty", "indent responses (the default when stdout is a terminal)")
    .option("--no-pretty", "one compact JSON line per message (the default when stdout is a pipe or file)")
    .option("-v, --verbose", "print the call's method, request metadata, timeout and timing on stderr");
  schemaOptions(call)
    .addHelpText("after", `${ADDRESS_HELP}\n${CALL_IO_HELP}\n${SCHEMA_HELP}\n${EXIT_HELP}\n${CALL_EXAMPLES}\n`)
    .action(async (address: string, method: string, json: string | undefined, options: Parameters<typeof runCall>[3]) => {
      result.code = await runCall(address, method, json, options, io);
    });

  const list = program
    .command("list")
    .summary("list the services and methods in the schemas")
    .description("List the services in the schemas and the methods of each; with SERVICE, only that service.")
    .argument("[service]", "a service name (may be shortened when unambiguous)")
    .optionsGroup("List options:")
    .option("--names", "print only SERVICE/METHOD names, one per line");
  schemaOptions(list)
    .addHelpText("after", `${SCHEMA_HELP}\n\nExit status: 0 success, 1 bad input (schema, unknown service).\n${LIST_EXAMPLES}\n`)
    .action(async (service: string | undefined, options: Parameters<typeof runList>[1]) => {
      result.code = await runList(service, options, io);
    });

  const describe = program
    .command("describe")
    .summary("show a service, method, message or enum as .proto text")
    .description(
      "Show a service, method, message or enum from the schemas as .proto-like text, with its comments. " +
        "A method is shown with its request and response messages. Without SYMBOL, every service is shown.",
    )
    .argument("[symbol]", "pkg.Service, pkg.Service/Method, pkg.Message or pkg.Enum (may be shortened when unambiguous)")
    .optionsGroup("Describe options:")
    .option("--template", "print a JSON request template for a message, or for a method's request");
  schemaOptions(describe)
    .addHelpText("after", `${SCHEMA_HELP}\n\nExit status: 0 success, 1 bad input (schema, unknown symbol).\n${DESCRIBE_EXAMPLES}\n`)
    .action(async (symbol: string | undefined, options: Parameters<typeof runDescribe>[1]) => {
      result.code = await runDescribe(symbol, options, io);
    });

  program
    .command("completion")
    .summary("print a shell completion script")
    .description(
      "Print a completion script for SHELL. Load it with:\n" +
        "  bash: source <(ttrpc completion bash)        (e.g. in ~/.bashrc)\n" +
        "  zsh:  source <(ttrpc completion zsh)         (e.g. in ~/.zshrc)\n" +
        "  fish: ttrpc completion fish > ~/.config/fish/completions/ttrpc.fish",
    )
    .argument("<shell>", SHELLS.join(", "))
    .action((shell: string) => {
      result.code = runCompletion(shell, program, io);
    });

  const proxy = program
    .command("proxy")
    .summary("forward ttrpc connections and print every call")
    .description(
      "Accept ttrpc connections on --listen, forward each to --to byte for byte, and print every call on stdout: " +
        "method, metadata, timeout, each message (JSON with a schema, else size and hex), status and time taken.",
    )
    .requiredOption("--listen <address>", "where clients connect: a socket path, @abstract-name or tcp://host:port")
    .requiredOption("--to <address>", "the real server: a path, unix://path, @abstract-name, tcp://host:port, hvsock://path:port")
    .optionsGroup("Proxy options:")
    .addOption(new Option("--connect-timeout <duration>", "give up connecting to --to after this long").default("5s", "5s"))
    .option("--emit-defaults", "print fields that hold their default value")
    .option("--proto-field-names", "print field names as in the .proto file instead of lowerCamelCase");
  schemaOptions(proxy)
    .addHelpText(
      "after",
      `${ADDRESS_HELP}
${SCHEMA_HELP}
${PROXY_EXAMPLES}
`,
    )
    .action(async (options: Parameters<typeof runProxy>[0]) => {
      result.code = await runProxy(options, io);
    });

  return program;
}

/**
 * Runs `ttrpc` with `argv` (as in `process.argv`) and resolves with the exit
 * status. Expected failures print one line, `ttrpc: <reason>`; a stack trace
 * is printed only for bugs, and only when TTRPC_DEBUG is set.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const result = { code: ExitCode.Ok as number };
  const program = createProgram(io, result);
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`ttrpc: ${e.message}\n`);
      return e.exitCode;
    }
    if (isCommanderError(e)) {
      // Commander has already printed the message (or the help / version).
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const detail = process.env.TTRPC_DEBUG && e instanceof Error && e.stack ? e.stack : e instanceof Error ? e.message : String(e);
    io.stderr.write(`ttrpc: unexpected error: ${detail}\n`);
    return ExitCode.Usage;
  }
}

function isCommanderError(e: unknown): e is { code: string; exitCode: number } {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    (e as { code: string }).code.startsWith("commander.") &&
    typeof (e as { exitCode?: unknown }).exitCode === "number"
  );
}
