// google.protobuf.Any for error details, without its descriptor: importing
// "@bufbuild/protobuf/wkt" (or its any_pb) builds well-known-type
// descriptors at load, 1 to 2 ms of the runtime's import time, and an Any
// is only a type URL and bytes.
import { type DescMessage, fromBinary, type MessageShape, type Registry, toBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";

const ANY_TYPE_NAME = "google.protobuf.Any";

/** `message` of type `desc`, packed as an Any. */
export function packAny<Desc extends DescMessage>(desc: Desc, message: MessageShape<Desc>): Any {
  return { $typeName: ANY_TYPE_NAME, typeUrl: `type.googleapis.com/${desc.typeName}`, value: toBinary(desc, message) };
}

/** An Any made from an Any's fields (a plain object without `$typeName` included). */
export function toAnyMessage(any: { typeUrl?: string; value?: Uint8Array }): Any {
  return { $typeName: ANY_TYPE_NAME, typeUrl: any.typeUrl ?? "", value: any.value ?? new Uint8Array(0) };
}

/** The message type an Any holds (the type URL's last segment); undefined when it names none. */
export function anyTypeName(any: Any): string | undefined {
  const name = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
  return name.length > 0 ? name : undefined;
}

/**
 * The message an Any holds, when it is of type `desc` (or of a type the
 * registry knows); undefined otherwise.
 */
export function unpackAny(any: Any, descOrRegistry: DescMessage | Registry): MessageShape<DescMessage> | undefined {
  const name = anyTypeName(any);
  if (name === undefined) return undefined;
  const desc =
    "kind" in descOrRegistry && descOrRegistry.kind === "message" ? descOrRegistry : (descOrRegistry as Registry).getMessage(name);
  if (desc === undefined || desc.typeName !== name) return undefined;
  return fromBinary(desc, any.value);
}
