import {
  create,
  createRegistry,
  type DescMessage,
  fromBinary,
  type Message,
  type MessageInitShape,
  type MessageShape,
  type Registry,
  toBinary,
} from "@bufbuild/protobuf";
import { AnySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { file_events_task } from "./gen/events/task_pb.js";
import { type Envelope, EnvelopeSchema } from "./gen/types/event_pb.js";
import { validateNamespace } from "./namespace.js";

/** What {@link createEnvelope} takes. */
export interface EnvelopeInit<Desc extends DescMessage> {
  /** The containerd namespace the event belongs to. */
  namespace: string;
  /** The topic, e.g. `/tasks/exit`: '/'-separated containerd identifiers. */
  topic: string;
  /** The event's message type, e.g. `TaskExitSchema`. */
  schema: Desc;
  /** The event. */
  event: MessageInitShape<Desc>;
  /** When it happened. Default: now. */
  timestamp?: Date | undefined;
}

// containerd's topic rule (core/events/exchange): a leading '/', then
// components that are containerd identifiers.
const topicComponent = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/** Throws a specific error unless containerd accepts `topic`. */
export function validateTopic(topic: string): void {
  if (!topic.startsWith("/")) throw new Error(`event topic "${topic}" must start with '/'`);
  const bad = topic
    .slice(1)
    .split("/")
    .find((c) => !topicComponent.test(c));
  if (bad !== undefined) throw new Error(`event topic "${topic}" has an invalid component "${bad}"`);
}

/**
 * An event envelope as shims build it. The event's type URL is its bare
 * full name (`containerd.events.TaskExit`), as containerd's typeurl writes it.
 */
export function createEnvelope<Desc extends DescMessage>(init: EnvelopeInit<Desc>): Envelope {
  validateNamespace(init.namespace);
  validateTopic(init.topic);
  const event = create(AnySchema, {
    typeUrl: init.schema.typeName,
    value: toBinary(init.schema, create(init.schema, init.event)),
  });
  return create(EnvelopeSchema, {
    timestamp: timestampFromDate(init.timestamp ?? new Date()),
    namespace: init.namespace,
    topic: init.topic,
    event,
  });
}

/** The task events (containerd.events.Task*), the default registry of {@link unpackEvent}. */
export const taskEventRegistry: Registry = createRegistry(file_events_task);

/**
 * The event an envelope carries, decoded as `schema`: undefined when the
 * envelope carries no event or another type.
 */
export function unpackEvent<Desc extends DescMessage>(envelope: Envelope, schema: Desc): MessageShape<Desc> | undefined;
/**
 * The event an envelope carries, decoded with `registry` (default: the task
 * events): undefined when it carries no event or a type not in the registry.
 */
export function unpackEvent(envelope: Envelope, registry?: Registry): Message | undefined;
export function unpackEvent(envelope: Envelope, from: Registry | DescMessage = taskEventRegistry): Message | undefined {
  const any = envelope.event;
  if (any === undefined || any.typeUrl === "") return undefined;
  // containerd writes bare type names; others prefix type.googleapis.com/.
  const name = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
  const desc =
    "kind" in from && from.kind === "message" ? (from.typeName === name ? from : undefined) : (from as Registry).getMessage(name);
  return desc === undefined ? undefined : fromBinary(desc, any.value);
}
