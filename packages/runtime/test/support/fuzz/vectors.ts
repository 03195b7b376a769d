// The byte vectors observed between the Go client and the Go server
// (the Streaming service of test/proto), as whole frames: the seed corpus of the fuzzers.

const SVC = `0a25${Buffer.from("ttrpc.integration.streaming.Streaming").toString("hex")}`;

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/<svc>/g, SVC).replace(/[\s|]/g, ""), "hex");
}

/** One observed frame: what it is, and its bytes (header and body). */
export interface Vector {
  readonly name: string;
  readonly bytes: Buffer;
}

/** Frames a client sends (to a server). */
export const clientVectors: readonly Vector[] = [
  { name: "unary Echo request", bytes: hex("00000035 00000001 01 00 | <svc> 1204 4563686f 1a06 0801 1202 6869") },
  {
    name: "unary Echo with deadline and metadata",
    bytes: hex("00000047 00000003 01 00 | <svc> 1204 4563686f 1a06 0801 1202 6d64 20 968cdccf12 2a0a 0a03 666f6f 1203 626172"),
  },
  {
    name: "server-streaming DivideStream request",
    bytes: hex("0000003b 00000003 01 01 | <svc> 120c 44697669646553747265616d 1a04 0809 1003"),
  },
  { name: "client-streaming SumStream open", bytes: hex("00000032 00000007 01 02 | <svc> 1209 53756d53747265616d") },
  { name: "client Data Part{add:0}", bytes: hex("00000000 00000007 03 00") },
  { name: "client Data Part{add:3}", bytes: hex("00000002 00000007 03 00 | 0803") },
  { name: "client CloseSend", bytes: hex("00000000 00000007 03 05") },
  { name: "unknown service request", bytes: hex("0000000e 00000009 01 00 | 0a07 6e6f2e53756368 1203 537663") },
  { name: "zero-length request", bytes: hex("00000000 0000000b 01 00") },
  {
    name: "Rust test request (flags 0xef)",
    bytes: Buffer.concat([
      hex("00000043 00123456 01 ef"),
      hex(
        `0a11${Buffer.from("grpc.TestServices").toString("hex")} 1204${Buffer.from("Test").toString("hex")} 1a09 010203040506070809 20 80dac409 2a18 0a09${Buffer.from("test_key1").toString("hex")} 120b${Buffer.from("test_value1").toString("hex")}`,
      ),
    ]),
  },
  { name: "Rust oversize header", bytes: hex("10000000 00000003 02 ef") },
];

/** Frames a server sends (to a client). */
export const serverVectors: readonly Vector[] = [
  { name: "OK response", bytes: hex("00000008 00000001 02 00 | 1206 0802 1202 6869") },
  { name: "empty OK response", bytes: hex("00000000 00000005 02 00") },
  { name: "NotFound response", bytes: hex("00000017 00000007 02 00 | 0a15 0805 1211 7468696e672078206e6f7420666f756e64") },
  { name: "Unknown response", bytes: hex("00000011 00000009 02 00 | 0a0f 0802 120b 706c61696e206572726f72") },
  { name: "streamed Part{add:3}", bytes: hex("00000002 00000003 03 00 | 0803") },
  { name: "end of server stream", bytes: hex("00000000 00000003 03 05") },
  { name: "SumStream result", bytes: hex("00000006 00000007 02 00 | 1204 0803 1003") },
  { name: "Aborted response", bytes: hex("00000015 0000000b 02 00 | 0a13 080a 120f 61626f727465642062792074657374") },
];

/** Every vector. */
export const allVectors: readonly Vector[] = [...clientVectors, ...serverVectors];
