import { create, type DescMessage, type DescMethod, type DescService, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";

/** The four RPC kinds, named as in `@bufbuild/protobuf`'s `DescMethod.methodKind`. */
export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/**
 * One RPC as the runtime sees it: wire names, kind, and how to turn its
 * input and output messages into bytes and back. The runtime builds these
 * from protobuf-es service descriptors and ts-proto generic definitions; you
 * can also write one by hand for any other message library.
 */
export interface MethodDef<I = unknown, O = unknown> {
  /** Fully qualified service name sent as `Request.service`, e.g. `pkg.Svc`. */
  readonly service: string;
  /** Method name as written in the proto, sent as `Request.method`. */
  readonly name: string;
  /** Property name for generated clients and implementations, e.g. `sayHello`. */
  readonly localName: string;
  /** Which way messages stream. */
  readonly kind: MethodKind;
  /** Serializes a request (a full message or, where supported, an init object). */
  encodeInput(message: I): Uint8Array;
  /** Parses a request. */
  decodeInput(bytes: Uint8Array): I;
  /** Serializes a response. */
  encodeOutput(message: O): Uint8Array;
  /** Parses a response. */
  decodeOutput(bytes: Uint8Array): O;
}

/** A service as the runtime sees it. */
export interface ServiceDef {
  /** Fully qualified name, e.g. `containerd.task.v2.Task`. */
  readonly typeName: string;
  readonly methods: readonly MethodDef[];
}

/** The codec half of a ts-proto `MessageFns` object. */
export interface TsProtoMessageFns<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial?(object: never): T;
}

/** One method of a ts-proto `outputServices=generic-definitions` service. */
export interface TsProtoMethodDefinition<I = unknown, O = unknown> {
  readonly name: string;
  readonly requestType: TsProtoMessageFns<I>;
  readonly requestStream: boolean;
  readonly responseType: TsProtoMessageFns<O>;
  readonly responseStream: boolean;
}

/** A service emitted by ts-proto with `outputServices=generic-definitions`. */
export interface TsProtoServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: { readonly [localName: string]: TsProtoMethodDefinition };
}

/** Anything the runtime accepts as a service description. */
export type ServiceInput = DescService | TsProtoServiceDefinition | ServiceDef;

/** Anything the runtime accepts as a method description. */
export type MethodInput = DescMethod | MethodDef;

const serviceCache = new WeakMap<object, ServiceDef>();
// The message descriptors of methods built from protobuf-es, for the decode-cost guard.
const schemaOf = new WeakMap<MethodDef, { readonly input: DescMessage; readonly output: DescMessage }>();

/** The input and output descriptors of a method built from protobuf-es; undefined for others. */
export function methodSchemas(def: MethodDef): { readonly input: DescMessage; readonly output: DescMessage } | undefined {
  return schemaOf.get(def);
}
const methodCache = new WeakMap<object, MethodDef>();

/** Converts a protobuf-es descriptor, a ts-proto definition or a ServiceDef. */
export function normalizeService(input: ServiceInput): ServiceDef {
  const cached = serviceCache.get(input);
  if (cached) return cached;
  let def: ServiceDef;
  if ("kind" in input && input.kind === "service") {
    def = { typeName: input.typeName, methods: input.methods.map(fromDescMethod) };
  } else if ("fullName" in input) {
    def = fromTsProto(input);
  } else if ("typeName" in input && Array.isArray(input.methods)) {
    def = input as ServiceDef;
  } else {
    throw new TypeError("not a service: expected a protobuf-es service descriptor, a ts-proto generic definition or a ServiceDef");
  }
  serviceCache.set(input, def);
  return def;
}

/** Converts a protobuf-es method descriptor, or returns a MethodDef as is. */
export function normalizeMethod<I = unknown, O = unknown>(input: MethodInput): MethodDef<I, O> {
  if (!("kind" in input) || input.kind !== "rpc") return input as MethodDef<I, O>;
  return fromDescMethod(input) as MethodDef<I, O>;
}

function fromDescMethod(m: DescMethod): MethodDef {
  const cached = methodCache.get(m);
  if (cached) return cached;
  const input = m.input;
  const output = m.output;
  // Accept init objects as well as messages; `create` is skipped for messages.
  const def: MethodDef<Message, Message> = {
    service: m.parent.typeName,
    name: m.name,
    localName: m.localName,
    kind: m.methodKind,
    encodeInput: (msg) => toBinary(input, asMessage(input, msg)),
    decodeInput: (bytes) => fromBinary(input, bytes),
    encodeOutput: (msg) => toBinary(output, asMessage(output, msg)),
    decodeOutput: (bytes) => fromBinary(output, bytes),
  };
  methodCache.set(m, def as MethodDef);
  schemaOf.set(def as MethodDef, { input, output });
  return def as MethodDef;
}

/**
 * The message itself, or one built from an init object. A message of another
 * type, or a value that is no object at all, is an error rather than being
 * silently turned into an empty message.
 */
function asMessage(desc: DescMessage, value: Message): Message {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `unsupported message type: ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}, want ${desc.typeName}`,
    );
  }
  const typeName = (value as { $typeName?: unknown }).$typeName;
  if (typeName === desc.typeName) return value;
  if (typeName !== undefined) throw new TypeError(`unsupported message type: ${String(typeName)}, want ${desc.typeName}`);
  return create(desc, value as never);
}

function fromTsProto(svc: TsProtoServiceDefinition): ServiceDef {
  const methods: MethodDef[] = [];
  for (const [localName, m] of Object.entries(svc.methods)) {
    const kind: MethodKind = m.requestStream
      ? m.responseStream
        ? "bidi_streaming"
        : "client_streaming"
      : m.responseStream
        ? "server_streaming"
        : "unary";
    const req = m.requestType;
    const res = m.responseType;
    methods.push({
      service: svc.fullName,
      name: m.name,
      localName,
      kind,
      encodeInput: (msg) => req.encode(req.fromPartial ? req.fromPartial(msg as never) : msg).finish(),
      decodeInput: (bytes) => req.decode(bytes),
      encodeOutput: (msg) => res.encode(res.fromPartial ? res.fromPartial(msg as never) : msg).finish(),
      decodeOutput: (bytes) => res.decode(bytes),
    });
  }
  return { typeName: svc.fullName, methods };
}
