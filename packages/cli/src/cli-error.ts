import { ExitCode } from "./exit-codes.js";

/**
 * An expected failure with a one-line explanation for the user. The entry
 * point prints `ttrpc: <message>` and exits with `exitCode`; it never prints
 * a stack trace for these.
 */
export class CliError extends Error {
  override name = "CliError";

  constructor(
    message: string,
    /** Process exit status, see {@link ExitCode}. */
    readonly exitCode: number = ExitCode.Usage,
  ) {
    super(message);
  }
}

/** The message of anything thrown, without a stack. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
