/**
 * A parsed ttrpc address: what to dial, or where to listen.
 *
 * - `unix`: a socket path (`path`, `unix://path`), or with `abstract` a
 *   Linux abstract socket (`@name`), whose `path` has the leading NUL
 *   `node:net` wants.
 * - `tcp`: `tcp://host:port` (IPv6 hosts in brackets). No authentication:
 *   anyone who can reach the port can call; prefer loopback.
 * - `hvsock`: Firecracker / Cloud Hypervisor hybrid vsock,
 *   `hvsock://<vmm unix socket>:<port>` (Kata's spelling). Dialing writes
 *   `CONNECT <port>\n` on the VMM's socket; listening binds `<path>_<port>`
 *   for connections the guest opens.
 * - `pipe`: a Windows named pipe, `\\.\pipe\name` (or `npipe://./pipe/name`),
 *   handed to `node:net` unchanged.
 */
export type Address =
  | { kind: "unix"; path: string; abstract: boolean }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "hvsock"; path: string; port: number }
  | { kind: "pipe"; path: string };

const SUPPORTED = "use a socket path, unix://path, @abstract-name, tcp://host:port, hvsock://path:port or \\\\.\\pipe\\name";

/**
 * Parses a ttrpc address (see {@link Address} for the forms). Throws an
 * Error that names the address and the problem.
 */
export function parseAddress(address: string): Address {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(address)?.[1]?.toLowerCase();
  const rest = scheme === undefined ? address : address.slice(scheme.length + 3);
  switch (scheme) {
    case undefined:
      if (/^[\\/]{2}[.?][\\/]pipe[\\/]/i.test(address)) return { kind: "pipe", path: address };
      return unixAddress(address, rest);
    case "unix":
      return unixAddress(address, rest);
    case "tcp":
      return tcpAddress(address, rest);
    case "hvsock":
    case "vsock-hybrid":
      return hvsockAddress(address, rest);
    case "npipe":
      if (!/^[.?]\/pipe\/[^/]/i.test(rest)) throw new Error(`invalid named pipe address "${address}": use npipe://./pipe/name`);
      return { kind: "pipe", path: `\\\\${rest.replaceAll("/", "\\")}` };
    default:
      throw new Error(`unsupported address "${address}": ${SUPPORTED}`);
  }
}

/** A short form of an address for messages: the socket path, host:port, path:port. */
export function formatAddress(a: Address): string {
  switch (a.kind) {
    case "unix":
      return a.abstract ? `@${a.path.slice(1)}` : a.path;
    case "tcp":
      return `tcp://${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
    case "hvsock":
      return `hvsock://${a.path}:${a.port}`;
    case "pipe":
      return a.path;
  }
}

function unixAddress(address: string, a: string): Address {
  if (a === "") throw new Error(`empty socket address "${address}"`);
  if (a.startsWith("@")) {
    if (a.length === 1) throw new Error(`abstract socket address "${address}" has no name`);
    return { kind: "unix", path: `\0${a.slice(1)}`, abstract: true };
  }
  return { kind: "unix", path: a, abstract: false };
}

function tcpAddress(address: string, rest: string): Address {
  const m = /^(?:\[([0-9a-f:.%a-z]+)\]|([^:[\]/]+)):(\d+)$/i.exec(rest);
  if (!m) throw new Error(`invalid tcp address "${address}": use tcp://host:port (IPv6 as tcp://[::1]:port)`);
  const host = (m[1] ?? m[2]) as string;
  return { kind: "tcp", host, port: parsePort(address, m[3] as string, 65535) };
}

function hvsockAddress(address: string, rest: string): Address {
  const colon = rest.lastIndexOf(":");
  if (colon <= 0) throw new Error(`invalid hybrid vsock address "${address}": use hvsock://<vmm socket path>:<port>`);
  return { kind: "hvsock", path: rest.slice(0, colon), port: parsePort(address, rest.slice(colon + 1), 0xffffffff) };
}

function parsePort(address: string, text: string, max: number): number {
  const port = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= max)) throw new Error(`invalid port "${text}" in "${address}": a number from 0 to ${max}`);
  return port;
}
