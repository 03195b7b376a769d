// Statistics and the text tables `npm run bench` prints.

/** Median, min and max of the finite numbers in `values`. */
export function summary(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/** A number with three significant digits and a k/M suffix: 10.1k, 0.912, 153k. */
export function num(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1e6) return `${sig(x / 1e6)}M`;
  if (a >= 1e4) return `${sig(x / 1e3)}k`;
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  return sig(x);
}

function sig(x) {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export const MiB = 1024 * 1024;

/** "1.23 MiB" etc. */
export function bytes(b) {
  if (b === undefined || !Number.isFinite(b)) return "–";
  const a = Math.abs(b);
  if (a >= MiB) return `${sig(b / MiB)} MiB`;
  if (a >= 1024) return `${sig(b / 1024)} KiB`;
  return `${Math.round(b)} B`;
}

/** "2.30 MB" (decimal, as npm reports package sizes). */
export function megabytes(b) {
  return b === undefined ? "–" : `${(b / 1e6).toFixed(2)} MB`;
}

/** Renders rows (arrays of cells; a cell may hold several lines) as an aligned table. */
export function table(header, rows, { align } = {}) {
  const split = (c) => String(c ?? "").split("\n");
  const all = [header, ...rows];
  const cols = header.length;
  const width = Array.from({ length: cols }, (_, i) => Math.max(...all.map((r) => Math.max(...split(r[i]).map((l) => l.length)))));
  const right = (i) => (align ? align[i] === "r" : i > 0);
  const line = (r) => {
    const cells = r.map(split);
    const h = Math.max(...cells.map((c) => c.length));
    const out = [];
    for (let k = 0; k < h; k++) {
      out.push(
        cells
          .map((c, i) => {
            const s = c[k] ?? "";
            return right(i) ? s.padStart(width[i]) : s.padEnd(width[i]);
          })
          .join("  ")
          .trimEnd(),
      );
    }
    return out.join("\n");
  };
  const rule = width.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}
