// The service the soak run exercises, described by hand with a small
// protobuf codec: `message Item { uint64 id = 1; uint32 seq = 2; bytes data = 3; uint32 count = 4; }`.
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { MethodDef, MethodKind, ServiceDef } from "@ttrpc-ts/runtime/protocol";

/** The one message type. */
export interface Item {
  id: number;
  seq: number;
  data: Uint8Array;
  count: number;
}

const EMPTY = new Uint8Array(0);

/** An Item with defaults for what is not given. */
export function item(init: Partial<Item>): Item {
  return { id: 0, seq: 0, data: EMPTY, count: 0, ...init };
}

function encode(m: Item): Uint8Array {
  const w = new BinaryWriter();
  if (m.id !== 0) w.tag(1, WireType.Varint).uint64(m.id);
  if (m.seq !== 0) w.tag(2, WireType.Varint).uint32(m.seq);
  if (m.data.length > 0) w.tag(3, WireType.LengthDelimited).bytes(m.data);
  if (m.count !== 0) w.tag(4, WireType.Varint).uint32(m.count);
  return w.finish();
}

function decode(bytes: Uint8Array): Item {
  const r = new BinaryReader(bytes);
  const m = item({});
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1) m.id = Number(r.uint64());
    else if (field === 2) m.seq = r.uint32();
    else if (field === 3) m.data = r.bytes();
    else if (field === 4) m.count = r.uint32();
    else r.skip(wire, field);
  }
  return m;
}

function method(name: string, kind: MethodKind): MethodDef<Item, Item> {
  const localName = name[0]?.toLowerCase() + name.slice(1);
  return {
    service: "soak.v1.Soak",
    name,
    localName,
    kind,
    encodeInput: encode,
    decodeInput: decode,
    encodeOutput: encode,
    decodeOutput: decode,
  };
}

/** The methods: a unary echo, a server stream of `count` items, a bidi echo. */
export const SoakMethods = {
  call: method("Call", "unary"),
  stream: method("Stream", "server_streaming"),
  chat: method("Chat", "bidi_streaming"),
} as const;

/** The service, as the runtime takes it. */
export const SoakService: ServiceDef = { typeName: "soak.v1.Soak", methods: Object.values(SoakMethods) };
