/**
 * Exit statuses of `ttrpc`. They are part of the tool's interface (scripts
 * branch on them), so they are documented in `--help` and the README.
 */
export const ExitCode = {
  /** The command succeeded. */
  Ok: 0,
  /** Bad usage or input: options, JSON, schema, unknown service or method. */
  Usage: 1,
  /** The server could not be reached (no socket, refused, connect timeout). */
  Unreachable: 2,
  /** A call that ended with status code N exits with `RpcBase + N` (65-80). */
  RpcBase: 64,
  /** Interrupted by Ctrl-C (SIGINT). */
  Interrupted: 130,
} as const;

/**
 * The exit status for a call that failed with status `code`. Codes outside
 * 1-16 (a peer may send anything) count as UNKNOWN (2), so the result always
 * stays in 65-80.
 */
export function rpcExitCode(code: number): number {
  const known = Number.isInteger(code) && code >= 1 && code <= 16;
  return ExitCode.RpcBase + (known ? code : 2);
}
