// containerd.task.v2.Task: the shim task API of containerd 1.x shims. 2.x
// shims answer it with UNIMPLEMENTED; use ./v3 for them.

/**
 * Messages of `containerd.task.v2` (CreateTaskRequest, StateResponse, ...)
 * and `Task`, the service's descriptor (for `createClient` and `Server.register`).
 */
export * from "../gen/runtime/task/v2/shim_pb.js";
/**
 * `TaskClient`, `TaskImpl`, `createTaskClient(connection)` and
 * `registerTask(server, impl)`.
 */
export * from "../gen/runtime/task/v2/shim_ttrpc.js";
