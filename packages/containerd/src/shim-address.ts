/**
 * The socket address to dial for a shim address as shims print it
 * (`unix:///run/containerd/s/<hash>`) or as containerd stores it with its
 * protocol (`ttrpc+unix:///...`). Only ttrpc over unix sockets is supported;
 * anything else gets a specific error.
 */
export function shimSocketAddress(address: string, protocol = "ttrpc"): string {
  let a = address.trim();
  const plus = /^([a-z]+)\+([a-z]+:\/\/.*)$/.exec(a);
  if (plus) {
    protocol = plus[1] as string;
    a = plus[2] as string;
  }
  if (protocol !== "ttrpc") throw new Error(`shim address "${address}" uses protocol "${protocol}"; only ttrpc is supported`);
  if (a === "") throw new Error("shim address is empty");
  if (a.startsWith("unix://")) {
    if (a.length === "unix://".length) throw new Error(`shim address "${address}" has no socket path`);
    return a;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) throw new Error(`shim address "${address}" is not a unix socket address`);
  return a;
}
