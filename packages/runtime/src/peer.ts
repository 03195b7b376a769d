/**
 * Identity of the process at the other end of a unix socket, where the
 * platform can tell it.
 */
export interface PeerInfo {
  /** Effective user id. */
  readonly uid?: number;
  /** Effective group id. */
  readonly gid?: number;
  /** Process id. */
  readonly pid?: number;
}
