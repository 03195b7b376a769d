import type { Socket } from "node:net";
import type { IncomingConnection, PeerInfo } from "@ttrpc-ts/runtime";
import { nativeBinding, unavailableError } from "./native.js";
import { getPeerCredentials, type PeerCredentials, peerCredentialsUnavailableReason } from "./peer-credentials.js";

/** Why a connection was refused, for {@link RequireOptions.onRefused}. */
export interface Refusal {
  /** The reason, e.g. `ttrpc: invalid credentials: peer uid 1000 gid 1000 (pid 42), required uid 0 gid any`. */
  readonly reason: string;
  /** The peer's credentials, when they could be read. */
  readonly peer: PeerCredentials | undefined;
  /** The refused socket (it is destroyed right after). */
  readonly socket: Socket;
}

/** Options for {@link requireUidGid}, {@link requireSameUser} and {@link requireRoot}. */
export interface RequireOptions {
  /**
   * Called for every refused connection with the reason (the server's
   * `onConnection` hook can only answer yes or no). Use it to log.
   */
  onRefused?: (refusal: Refusal) => void;
}

/** An `onConnection` hook (ServerOptions.onConnection): true admits the connection. */
export type ConnectionCheck = (connection: IncomingConnection) => boolean;

function complete(p: PeerInfo | undefined): PeerCredentials | undefined {
  if (p?.uid === undefined || p.gid === undefined || p.pid === undefined) return undefined;
  return { uid: p.uid, gid: p.gid, pid: p.pid };
}

function describe(id: number): string {
  return id === -1 ? "any" : String(id);
}

/**
 * Why `peer` does not pass the uid/gid check (-1 matches anything), or
 * undefined when it passes. Go's UnixSocketRequireUidGid compares the same way.
 */
export function checkUidGid(peer: PeerCredentials | undefined, uid: number, gid: number): string | undefined {
  if (peer === undefined) {
    const why = peerCredentialsUnavailableReason() ?? "the socket has no peer credentials (not a unix socket?)";
    return `ttrpc: invalid credentials: cannot read the peer's credentials: ${why}`;
  }
  if ((uid !== -1 && peer.uid !== uid) || (gid !== -1 && peer.gid !== gid)) {
    return `ttrpc: invalid credentials: peer uid ${peer.uid} gid ${peer.gid} (pid ${peer.pid}), required uid ${describe(uid)} gid ${describe(gid)}`;
  }
  return undefined;
}

/**
 * An `onConnection` hook that admits only peers with effective user id
 * `uid` and group id `gid` (-1: any), like Go's `UnixSocketRequireUidGid`.
 * Runs before any frame is read; a refused peer's socket is closed without
 * a reply, so its calls fail with UNAVAILABLE. Where the addon cannot be
 * loaded (not Linux, no prebuilt binary and no source build) it throws at
 * once, naming the package and the fix, rather than refusing every
 * connection. When one peer's credentials cannot be read (not a unix
 * socket) that connection is refused: the check fails closed.
 */
export function requireUidGid(uid: number, gid: number, options: RequireOptions = {}): ConnectionCheck {
  if (nativeBinding() === null) throw unavailableError("requireUidGid()");
  for (const [name, v] of [
    ["uid", uid],
    ["gid", gid],
  ] as const) {
    if (!Number.isInteger(v) || v < -1) throw new RangeError(`requireUidGid: ${name} must be an integer >= -1, got ${v}`);
  }
  return (connection) => {
    // The server's peerCredentials option may have read them already.
    const peer = complete(connection.peer) ?? getPeerCredentials(connection.socket);
    const reason = checkUidGid(peer, uid, gid);
    if (reason === undefined) return true;
    options.onRefused?.({ reason, peer, socket: connection.socket });
    return false;
  };
}

/**
 * An `onConnection` hook that admits only processes running with this
 * process's effective uid and gid, like Go's `UnixSocketRequireSameUser`
 * (meant for abstract sockets, which have no file mode to protect them).
 */
export function requireSameUser(options: RequireOptions = {}): ConnectionCheck {
  // The addon loads only on Linux, where process.geteuid exists.
  if (nativeBinding() === null || typeof process.geteuid !== "function" || typeof process.getegid !== "function") {
    throw unavailableError("requireSameUser()");
  }
  return requireUidGid(process.geteuid(), process.getegid(), options);
}

/** An `onConnection` hook that admits only root (uid 0, gid 0), like Go's `UnixSocketRequireRoot`. */
export function requireRoot(options: RequireOptions = {}): ConnectionCheck {
  return requireUidGid(0, 0, options);
}
