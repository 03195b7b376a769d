// Events over ttrpc: the service shims publish to (containerd's
// TTRPC_ADDRESS), the envelope, and the task events shims send.

/** The task events a shim publishes (TaskCreate, TaskStart, TaskExit, TaskDelete, ...) and their schemas. */
export * from "./gen/events/task_pb.js";
/** `ForwardRequest` and `Events`, the descriptor of `containerd.services.events.ttrpc.v1.Events`. */
export * from "./gen/services/ttrpc/events/v1/events_pb.js";
/**
 * `EventsClient`, `EventsImpl`, `createEventsClient(connection)` and
 * `registerEvents(server, impl)`.
 */
export * from "./gen/services/ttrpc/events/v1/events_ttrpc.js";
/** `Envelope`: an event with its timestamp, namespace and topic. */
export * from "./gen/types/event_pb.js";
