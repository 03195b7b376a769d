import type { Socket } from "node:net";
import type { PeerInfo } from "@ttrpc-ts/runtime";
import { nativeBinding, nativeFailure } from "./native.js";

/** The process at the other end of a unix socket, as the kernel recorded it at connect time. */
export interface PeerCredentials extends PeerInfo {
  /** Effective user id. */
  readonly uid: number;
  /** Effective group id. */
  readonly gid: number;
  /** Process id. */
  readonly pid: number;
}

/**
 * Whether credentials can be read here: Linux, with the native addon built.
 * When false, {@link peerCredentialsUnavailableReason} says why.
 */
export function isSupported(): boolean {
  return nativeBinding() !== null;
}

/** Why credentials cannot be read here, or undefined when they can. */
export function peerCredentialsUnavailableReason(): string | undefined {
  return nativeFailure();
}

/** The file descriptor behind a socket, if it has one (Node keeps it on the handle). */
function fdOf(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : undefined;
}

/**
 * Reads SO_PEERCRED for a connected unix socket: the uid, gid and pid of the
 * peer process. Returns undefined off Linux, without the native addon, for
 * sockets that are not unix sockets or are closed, and for streams without a
 * file descriptor. Never throws.
 */
export function getPeerCredentials(socket: Socket): PeerCredentials | undefined {
  const binding = nativeBinding();
  if (binding === null) return undefined;
  const fd = fdOf(socket);
  if (fd === undefined) return undefined;
  try {
    const c = binding.getPeerCred(fd);
    // An unnamed/unconnected socket reports pid 0 and the overflow ids.
    if (c === undefined || c.pid === 0) return undefined;
    return { uid: c.uid, gid: c.gid, pid: c.pid };
  } catch {
    // ENOTSOCK, ENOPROTOOPT (not a unix socket), EBADF (closed meanwhile).
    return undefined;
  }
}

/**
 * Ready for `new Server({ peerCredentials })`: handlers then see the peer's
 * uid, gid and pid as `ctx.peer`, and `onConnection` gets them as `peer`.
 */
export const peerCredentials: (socket: Socket) => PeerInfo | undefined = getPeerCredentials;
