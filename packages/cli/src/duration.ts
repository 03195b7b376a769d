import { CliError } from "./cli-error.js";

const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a DURATION option into milliseconds. Accepts Go-style durations
 * (`500ms`, `1.5s`, `2m`, `1m30s`; units ns, us, ms, s, m, h) and bare
 * numbers, which are seconds (`10` = 10 s). Throws a {@link CliError}
 * naming `option` when the text is not a positive duration.
 */
export function parseDuration(text: string, option: string): number {
  const s = text.trim();
  let ms: number | undefined;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(s)) {
    ms = Number(s) * 1000;
  } else if (s !== "") {
    ms = 0;
    part.lastIndex = 0;
    while (part.lastIndex < s.length) {
      const start = part.lastIndex;
      const m = part.exec(s);
      if (!m || m.index !== start) {
        ms = undefined;
        break;
      }
      ms += Number(m[1]) * (unitMs[m[2] ?? ""] ?? Number.NaN);
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new CliError(`invalid ${option} "${text}": expected a duration like 500ms, 2s, 1.5m or 1m30s (a bare number means seconds)`);
  }
  if (ms <= 0) throw new CliError(`invalid ${option} "${text}": must be greater than zero`);
  return ms;
}
