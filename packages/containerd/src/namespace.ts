import type { CallOptions } from "@ttrpc-ts/runtime";
import { Metadata } from "@ttrpc-ts/runtime";

/**
 * The ttrpc metadata key containerd and its shims read a call's namespace
 * from (Go: `namespaces.TTRPCHeader` in containerd's pkg/namespaces).
 */
export const NAMESPACE_METADATA_KEY = "containerd-namespace-ttrpc";

// containerd's identifiers rule (pkg/identifiers): alphanumeric components
// joined by single '.', '_' or '-', at most 76 characters.
const identifier = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const maxLength = 76;

/**
 * Throws a specific error unless `namespace` is a valid containerd
 * namespace; containerd refuses calls in any other.
 */
export function validateNamespace(namespace: string): void {
  if (namespace === "") throw new Error("containerd namespace is empty");
  if (namespace.length > maxLength) {
    throw new Error(`containerd namespace "${namespace}" is longer than ${maxLength} characters`);
  }
  if (!identifier.test(namespace)) {
    throw new Error(`containerd namespace "${namespace}" is invalid: use letters and digits, separated by single '.', '_' or '-'`);
  }
}

/**
 * `options` with the namespace metadata set, keeping its other metadata,
 * deadline and signal. Every shim and containerd call needs a namespace.
 */
export function withNamespace(namespace: string, options: CallOptions = {}): CallOptions {
  validateNamespace(namespace);
  const metadata = new Metadata(options.metadata);
  metadata.set(NAMESPACE_METADATA_KEY, namespace);
  return { ...options, metadata };
}
