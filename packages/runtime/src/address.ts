/**
 * Turns a ttrpc address into what `node:net` takes: a filesystem path, or
 * for an abstract socket (`@name`, Linux only) the name with a leading NUL.
 * Accepts `path`, `unix://path` and `@name` / `unix://@name`.
 */
export function parseAddress(address: string): { path: string; abstract: boolean } {
  let a = address;
  if (a.startsWith("unix://")) a = a.slice("unix://".length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) {
    throw new Error(`unsupported address "${address}": use a socket path, unix://path or @abstract-name`);
  }
  if (a === "") throw new Error(`empty socket address "${address}"`);
  if (a.startsWith("@")) {
    if (a.length === 1) throw new Error(`abstract socket address "${address}" has no name`);
    return { path: `\0${a.slice(1)}`, abstract: true };
  }
  return { path: a, abstract: false };
}
