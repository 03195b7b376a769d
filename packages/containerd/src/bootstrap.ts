// containerd.runtime.bootstrap.v1: what containerd 2.3+ writes to a shim's
// stdin on `start` and reads back from its stdout (see startShim).

/** `BootstrapParams`, `BootstrapResult`, `Extension`, `LogLevel`, `Capability` and their schemas. */
export * from "./gen/runtime/bootstrap/v1/bootstrap_pb.js";
