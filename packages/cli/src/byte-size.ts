import { CliError } from "./cli-error.js";

const multiplier: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2 };

/** The largest value a ttrpc frame's 32-bit length field can carry. */
const MAX_FRAME_LENGTH = 0xffff_ffff;

/**
 * Parses a byte count: an integer, optionally followed by `K`/`KiB` or
 * `M`/`MiB` (both mean multiples of 1024), e.g. `4194304`, `8MiB`, `512K`.
 * Throws a {@link CliError} naming `option` when invalid.
 */
export function parseByteSize(text: string, option: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const factor = m ? multiplier[(m[2] ?? "").toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    throw new CliError(`invalid ${option} "${text}": expected a byte count like 4194304, 512KiB or 8MiB`);
  }
  const n = Number(m[1]) * factor;
  if (n < 1 || n > MAX_FRAME_LENGTH) {
    throw new CliError(`invalid ${option} "${text}": must be between 1 byte and 4 GiB - 1`);
  }
  return n;
}
