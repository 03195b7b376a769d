// containerd.types and containerd.v1.types: the shared messages the task
// and events APIs use.

/** `Metric`, what a shim's Stats carries. */
export * from "./gen/types/metrics_pb.js";
/** `Mount` (a rootfs layer for Create) and the mount manager's types. */
export * from "./gen/types/mount_pb.js";
/** `Status` (a process's state) and `ProcessInfo`. */
export * from "./gen/types/task/task_pb.js";
