// The Streaming service of the reference's byte vectors
// (`ttrpc.integration.streaming.Streaming`), with a codec that checks the
// protobuf structure of every message (so that garbage fails to decode) and
// otherwise passes bytes through. Handlers echo, count or repeat.
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { MethodDef, MethodKind, ServiceDef } from "@ttrpc-ts/runtime/protocol";

const NAME = "ttrpc.integration.streaming.Streaming";

/** Walks every field; throws on malformed protobuf. Returns the bytes. */
function checked(bytes: Uint8Array): Uint8Array {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    r.skip(wire, field);
  }
  return bytes;
}

function method(name: string, kind: MethodKind): MethodDef<Uint8Array, Uint8Array> {
  const localName = name[0]?.toLowerCase() + name.slice(1);
  return { service: NAME, name, localName, kind, encodeInput: checked, decodeInput: checked, encodeOutput: checked, decodeOutput: checked };
}

/** The service, as the runtime takes it. */
export const StreamingService: ServiceDef = {
  typeName: NAME,
  methods: [
    method("Echo", "unary"),
    method("EchoStream", "bidi_streaming"),
    method("SumStream", "client_streaming"),
    method("DivideStream", "server_streaming"),
    method("EchoNull", "client_streaming"),
  ],
};

/** Handlers: echo, count the parts, or repeat the request three times. */
export const streamingImpl = {
  echo: (req: Uint8Array) => req,
  async *echoStream(reqs: AsyncIterable<Uint8Array>) {
    for await (const r of reqs) yield r;
  },
  async sumStream(reqs: AsyncIterable<Uint8Array>) {
    let n = 0;
    for await (const _ of reqs) n++;
    return Uint8Array.of(0x10, n & 0x7f);
  },
  async *divideStream(req: Uint8Array) {
    for (let i = 0; i < 3; i++) yield req;
  },
  async echoNull(reqs: AsyncIterable<Uint8Array>) {
    for await (const _ of reqs);
    return new Uint8Array(0);
  },
};
