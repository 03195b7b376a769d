// Public API of @ttrpc-ts/peercred.

/** Reading the peer's credentials. */
export {
  getPeerCredentials,
  isSupported,
  type PeerCredentials,
  peerCredentials,
  peerCredentialsUnavailableReason,
} from "./peer-credentials.js";
/** Connection checks for `new Server({ onConnection })`. */
export {
  type ConnectionCheck,
  checkUidGid,
  type Refusal,
  type RequireOptions,
  requireRoot,
  requireSameUser,
  requireUidGid,
} from "./require.js";
