// containerd.task.v3.Task: the shim task API that containerd 2.x shims serve.

/**
 * Messages of `containerd.task.v3` (CreateTaskRequest, StateResponse, ...)
 * and `Task`, the service's descriptor (for `createClient` and `Server.register`).
 */
export * from "../gen/runtime/task/v3/shim_pb.js";
/**
 * `TaskClient`, `TaskImpl`, `createTaskClient(connection)` and
 * `registerTask(server, impl)`.
 */
export * from "../gen/runtime/task/v3/shim_ttrpc.js";
