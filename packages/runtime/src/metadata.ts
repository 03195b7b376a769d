/**
 * What a {@link Metadata} can be built from: another Metadata, a record of
 * one or many values per key, or `[key, value]` pairs.
 */
export type MetadataInit = Metadata | Readonly<Record<string, string | readonly string[]>> | Iterable<readonly [string, string]>;

/**
 * Request metadata: a multimap of string keys to string values, sent as
 * `ttrpc.KeyValue` pairs (one pair per value, in insertion order).
 *
 * Lookups ignore case. A key keeps the spelling it was first added with,
 * so a server sees keys as the peer sent them; the client sends every key
 * in lower case, which is what Go's `MD.Get` expects.
 */
export class Metadata implements Iterable<[string, string]> {
  // A bundler renames a class that refers to itself ("_Metadata"); its name
  // shows in logs and util.inspect, so it is set here.
  static {
    Object.defineProperty(Metadata, "name", { value: "Metadata" });
  }

  // Made on the first entry: most calls carry no metadata, and a server
  // makes a Metadata per call.
  #entries: Map<string, { key: string; values: string[] }> | undefined;

  get #map(): Map<string, { key: string; values: string[] }> {
    if (this.#entries === undefined) this.#entries = new Map();
    return this.#entries;
  }

  constructor(init?: MetadataInit) {
    if (init === undefined) return;
    if (init instanceof Metadata) {
      if (init.#entries === undefined) return;
      for (const [k, e] of init.#entries) this.#map.set(k, { key: e.key, values: [...e.values] });
    } else if (Symbol.iterator in init) {
      for (const [k, v] of init as Iterable<readonly [string, string]>) this.append(k, v);
    } else {
      for (const [k, v] of Object.entries(init)) {
        if (typeof v === "string") this.append(k, v);
        else for (const one of v) this.append(k, one);
      }
    }
  }

  /** The first value of `key`, or undefined. */
  get(key: string): string | undefined {
    return this.#entries?.get(key.toLowerCase())?.values[0];
  }

  /** Every value of `key`, in order (a copy). */
  getAll(key: string): string[] {
    return [...(this.#entries?.get(key.toLowerCase())?.values ?? [])];
  }

  /** Whether `key` has at least one value. */
  has(key: string): boolean {
    return this.#entries?.has(key.toLowerCase()) ?? false;
  }

  /** Replaces the values of `key`. An empty list removes the key. */
  set(key: string, value: string | readonly string[]): this {
    const values = typeof value === "string" ? [value] : [...value];
    if (values.length === 0) this.#entries?.delete(key.toLowerCase());
    else this.#map.set(key.toLowerCase(), { key, values });
    return this;
  }

  /** Adds one value to `key`. */
  append(key: string, value: string): this {
    const k = key.toLowerCase();
    const e = this.#map.get(k);
    if (e) e.values.push(value);
    else this.#map.set(k, { key, values: [value] });
    return this;
  }

  /** Removes `key`. Returns whether it was present. */
  delete(key: string): boolean {
    return this.#entries?.delete(key.toLowerCase()) ?? false;
  }

  /** The distinct keys as first spelled, in insertion order. */
  *keys(): IterableIterator<string> {
    if (this.#entries === undefined) return;
    for (const e of this.#entries.values()) yield e.key;
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Every `[key, value]` pair, one per value, keys as first spelled. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    if (this.#entries === undefined) return;
    for (const e of this.#entries.values()) for (const v of e.values) yield [e.key, v];
  }

  /** A deep copy. */
  clone(): Metadata {
    return new Metadata(this);
  }

  /** A plain object of key to values, for logging and JSON. */
  toJSON(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (this.#entries !== undefined) for (const e of this.#entries.values()) out[e.key] = [...e.values];
    return out;
  }
}
