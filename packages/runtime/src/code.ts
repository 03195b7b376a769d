/**
 * Status codes carried in `google.rpc.Status.code`. ttrpc uses the gRPC
 * numbering, so the values are interchangeable with Go's `codes.Code`.
 */
export enum Code {
  OK = 0,
  Canceled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}

const names: readonly string[] = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

/**
 * The canonical upper-case name of a code, e.g. `NOT_FOUND`. Numbers outside
 * 0-16 (a peer may send anything) render as `CODE_<n>`.
 */
export function codeName(code: number): string {
  return names[code] ?? `CODE_${code}`;
}

/**
 * Parses a code from its canonical name (`NOT_FOUND`), its enum name
 * (`NotFound`) or its number. Returns undefined when nothing matches.
 */
export function parseCode(text: string): Code | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 16 ? (n as Code) : undefined;
  }
  const upper = text.toUpperCase();
  const i = names.indexOf(upper === "CANCELED" ? "CANCELLED" : upper);
  if (i >= 0) return i as Code;
  const fromEnum = (Code as unknown as Record<string, number | undefined>)[text];
  return typeof fromEnum === "number" ? (fromEnum as Code) : undefined;
}
