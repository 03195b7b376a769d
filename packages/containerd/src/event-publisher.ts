import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { type CallOptions, type Connection, type ConnectionOptions, connect } from "@ttrpc-ts/runtime";
import { createEnvelope } from "./envelope.js";
import { createEventsClient, type EventsClient } from "./gen/services/ttrpc/events/v1/events_ttrpc.js";
import { validateNamespace, withNamespace } from "./namespace.js";

/** Publishes events to containerd's ttrpc Events service, as a shim does. */
export interface EventPublisher {
  /** The namespace every event is published in. */
  readonly namespace: string;
  /**
   * Sends one event with `Events/Forward`: an envelope stamped now, with the
   * namespace in the envelope and in the call's metadata.
   */
  publish<Desc extends DescMessage>(topic: string, schema: Desc, event: MessageInitShape<Desc>, options?: CallOptions): Promise<void>;
  /** Closes the connection, if the publisher opened it. */
  close(): void;
}

/** A publisher over an existing connection (which it does not close). */
export function createEventPublisher(connection: Connection, namespace: string): EventPublisher {
  validateNamespace(namespace);
  return publisher(createEventsClient(connection), namespace, () => {});
}

/** Options for {@link connectEventPublisher}. */
export interface ConnectEventPublisherOptions extends ConnectionOptions {
  /** containerd's ttrpc address. Default: `$TTRPC_ADDRESS`, which containerd gives every shim. */
  address?: string | undefined;
  /** Default: `$NAMESPACE`, which containerd gives every shim. */
  namespace?: string | undefined;
}

/**
 * Connects to containerd's ttrpc address and returns a publisher that owns
 * the connection. In a shim, the defaults are what containerd passed.
 */
export async function connectEventPublisher(options: ConnectEventPublisherOptions = {}): Promise<EventPublisher> {
  const { address = process.env.TTRPC_ADDRESS, namespace = process.env.NAMESPACE, ...connectOptions } = options;
  if (!address) throw new Error("no events address: pass `address` or set TTRPC_ADDRESS");
  if (namespace === undefined) throw new Error("no namespace: pass `namespace` or set NAMESPACE");
  validateNamespace(namespace);
  const connection = await connect(address, connectOptions);
  return publisher(createEventsClient(connection), namespace, () => connection.close());
}

function publisher(events: EventsClient, namespace: string, close: () => void): EventPublisher {
  return {
    namespace,
    async publish(topic, schema, event, options) {
      const envelope = createEnvelope({ namespace, topic, schema, event });
      await events.forward({ envelope }, withNamespace(namespace, options));
    },
    close,
  };
}
