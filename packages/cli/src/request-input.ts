import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { CliError, errorMessage } from "./cli-error.js";

/** Where the request JSON comes from. */
export type RequestInput =
  | { readonly kind: "text"; readonly text: string; readonly where: string }
  | { readonly kind: "file"; readonly path: string; readonly where: string }
  | { readonly kind: "stdin"; readonly where: string };

/** One request's JSON text and where it came from, for error messages. */
export interface RequestText {
  readonly text: string;
  readonly where: string;
}

/**
 * Decides where requests are read from: the JSON argument, `-d` (literal
 * JSON, `@file`, or `@-` for stdin), or else stdin. When stdin is a
 * terminal and nothing was given, a single-request call sends `{}` rather
 * than waiting for typed input; streaming calls read typed lines.
 */
export function requestInput(arg: string | undefined, data: string | undefined, stdinIsTTY: boolean, streaming: boolean): RequestInput {
  if (arg !== undefined && data !== undefined) throw new CliError("give the request either as the JSON argument or with -d, not both");
  if (data !== undefined) {
    if (data === "@-") return { kind: "stdin", where: "stdin" };
    if (data.startsWith("@")) {
      const path = data.slice(1);
      if (path === "") throw new CliError("-d @FILE needs a file name (use @- for stdin)");
      return { kind: "file", path, where: path };
    }
    return { kind: "text", text: data, where: "-d" };
  }
  if (arg !== undefined) return { kind: "text", text: arg, where: "the JSON argument" };
  if (stdinIsTTY && !streaming) return { kind: "text", text: "{}", where: "the default request" };
  return { kind: "stdin", where: "stdin" };
}

/**
 * Reads the single request of a unary or server-streaming call. Empty input
 * means an empty message (`{}`).
 */
export async function readSingleRequest(input: RequestInput, stdin: Readable): Promise<RequestText> {
  let text: string;
  switch (input.kind) {
    case "text":
      text = input.text;
      break;
    case "file":
      text = readFile(input.path);
      break;
    case "stdin": {
      const chunks: Buffer[] = [];
      for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      text = Buffer.concat(chunks).toString("utf8");
      break;
    }
  }
  return { text: text.trim() === "" ? "{}" : text, where: input.where };
}

/**
 * Checks that a request file can be read before connecting, so a typo in
 * `-d @file` is reported as bad input, not as a failed call.
 */
export function checkRequestInput(input: RequestInput): void {
  if (input.kind === "file") readFile(input.path);
}

/**
 * Reads the requests of a client-streaming or bidi call: newline-delimited
 * JSON, one message per line, blank lines skipped. Lines are yielded as they
 * arrive, so an interactive bidi session works line by line.
 */
export async function* readRequestLines(input: RequestInput, stdin: Readable): AsyncGenerator<RequestText> {
  const where = (n: number): string => `${input.where} line ${n}`;
  if (input.kind === "text") {
    let n = 0;
    for (const line of input.text.split(/\r?\n/)) {
      n++;
      if (line.trim() !== "") yield { text: line, where: where(n) };
    }
    return;
  }
  const source = input.kind === "file" ? createReadStream(input.path) : stdin;
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() !== "") yield { text: line, where: where(n) };
    }
  } catch (e) {
    throw new CliError(`cannot read ${input.where}: ${errorMessage(e)}`);
  } finally {
    lines.close();
    if (source !== stdin) source.destroy();
  }
}

function readFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read request file ${path}: ${code === "ENOENT" ? "no such file" : errorMessage(e)}`);
  }
}
