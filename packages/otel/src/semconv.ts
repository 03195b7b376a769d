// Attribute names and values, exactly as containerd/otelttrpc v0.1.0 writes
// them (OpenTelemetry semantic conventions v1.17.0 plus its own status key).

/** `rpc.system`: always "ttrpc". */
export const ATTR_RPC_SYSTEM = "rpc.system";
/** `rpc.service`: the fully qualified service name, e.g. `containerd.task.v3.Task`. */
export const ATTR_RPC_SERVICE = "rpc.service";
/** `rpc.method`: the method name, e.g. `Create`. */
export const ATTR_RPC_METHOD = "rpc.method";
/** `rpc.ttrpc.status_code`: the call's numeric status code (0 for OK). */
export const ATTR_RPC_TTRPC_STATUS_CODE = "rpc.ttrpc.status_code";
/** Name of the per-message span events. */
export const EVENT_MESSAGE = "message";
/** `message.type` of a message event: "SENT" or "RECEIVED". */
export const ATTR_MESSAGE_TYPE = "message.type";
/** `message.id` of a message event: 1 for the first message in that direction, then 2, 3, ... */
export const ATTR_MESSAGE_ID = "message.id";
/** The `rpc.system` value. */
export const RPC_SYSTEM_TTRPC = "ttrpc";
