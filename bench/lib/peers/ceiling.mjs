// The ceiling: bare node:net with the same 10-byte frame header as ttrpc
// (length u32 BE, stream id u32 BE, type u8, flags u8) and the same
// protobuf-es toBinary/fromBinary of the same messages, but no RPC layer:
// no ttrpc.Request/Response envelope, no method lookup, no metadata,
// deadlines, interceptors, status errors or per-stream flow control.
//
// What it does do, because any usable client must, and because the runtime
// does the same so the comparison isolates the RPC layer:
// - requests are correlated with replies by stream id (odd, increasing) in a
//   Map, so many calls can be in flight on one connection;
// - the frames written in one tick go out corked as one writev; payloads up
//   to 16 KiB are copied next to their header, larger ones are written as a
//   second buffer; frames split across reads are reassembled with one copy;
// - streamed writes wait for 'drain' when the socket buffer is full.
//
// The header's type byte names the method (there is no envelope to carry
// it): 1 Echo, 2 EchoBlob, 3 Stream, 4 Bidi. Echo and EchoBlob: one request
// frame, one reply frame with the same id. Stream: a StreamRequest frame,
// answered by `count` Blob frames then an empty frame with flags=1. Bidi:
// every Blob frame from the client is echoed; the client's empty flags=1
// frame is answered with an empty flags=1 frame. Sink: Blob frames, then an
// empty flags=1 frame, answered by one StreamRequest frame (count, size of
// the last) with flags=1.

import * as net from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";

const HEADER = 10;
const COPY_LIMIT = 16 * 1024;
const END = 1;
const ECHO = 1;
const ECHO_BLOB = 2;
const STREAM = 3;
const BIDI = 4;
const SINK = 5;
const EMPTY = new Uint8Array(0);

/** Splits a byte stream into frames; calls onFrame(id, type, flags, payload). */
function framer(onFrame) {
  let chunks = [];
  let have = 0;
  let need = 0; // > 0 while a partial frame is held in `chunks`
  return (chunk) => {
    if (need > 0) {
      chunks.push(chunk);
      have += chunk.length;
      if (have < need) return;
      chunk = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
      chunks = [];
      need = 0;
    }
    let off = 0;
    for (;;) {
      const left = chunk.length - off;
      if (left < HEADER) break;
      const len = chunk.readUInt32BE(off);
      if (left < HEADER + len) break;
      onFrame(chunk.readUInt32BE(off + 4), chunk[off + 8], chunk[off + 9], chunk.subarray(off + HEADER, off + HEADER + len));
      off += HEADER + len;
    }
    if (off < chunk.length) {
      const rest = chunk.subarray(off);
      chunks = [rest];
      have = rest.length;
      need = rest.length >= HEADER ? HEADER + rest.readUInt32BE(0) : HEADER;
    }
  };
}

/** Returns write(id, type, flags, payload) → false when over the high-water mark. */
function writer(socket) {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return (id, type, flags, payload) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    const len = payload.length;
    if (len <= COPY_LIMIT) {
      const b = Buffer.allocUnsafe(HEADER + len);
      b.writeUInt32BE(len, 0);
      b.writeUInt32BE(id, 4);
      b[8] = type;
      b[9] = flags;
      b.set(payload, HEADER);
      return socket.write(b);
    }
    const h = Buffer.allocUnsafe(HEADER);
    h.writeUInt32BE(len, 0);
    h.writeUInt32BE(id, 4);
    h[8] = type;
    h[9] = flags;
    socket.write(h);
    return socket.write(payload);
  };
}

const drained = (socket) => new Promise((r) => socket.once("drain", r));

export async function serve(socket, { SmallSchema, BlobSchema, StreamRequestSchema }) {
  const server = net.createServer((conn) => {
    conn.on("error", () => {});
    const write = writer(conn);
    const sendStream = async (id, req) => {
      const msg = create(BlobSchema, { data: new Uint8Array(req.size) });
      for (let i = 0; i < req.count; i++) {
        if (!write(id, STREAM, 0, toBinary(BlobSchema, msg))) await drained(conn);
      }
      write(id, STREAM, END, EMPTY);
    };
    const sinks = new Map();
    conn.on(
      "data",
      framer((id, type, flags, payload) => {
        switch (type) {
          case ECHO:
            write(id, ECHO, 0, toBinary(SmallSchema, fromBinary(SmallSchema, payload)));
            break;
          case ECHO_BLOB:
            write(id, ECHO_BLOB, 0, toBinary(BlobSchema, fromBinary(BlobSchema, payload)));
            break;
          case STREAM:
            void sendStream(id, fromBinary(StreamRequestSchema, payload));
            break;
          case BIDI:
            if (flags & END) write(id, BIDI, END, EMPTY);
            else write(id, BIDI, 0, toBinary(BlobSchema, fromBinary(BlobSchema, payload)));
            break;
          case SINK: {
            const s = sinks.get(id) ?? { count: 0, size: 0 };
            if (flags & END) {
              sinks.delete(id);
              write(id, SINK, END, toBinary(StreamRequestSchema, create(StreamRequestSchema, s)));
            } else {
              s.size = fromBinary(BlobSchema, payload).data.length;
              s.count++;
              sinks.set(id, s);
            }
            break;
          }
        }
      }),
    );
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, resolve);
  });
  return { close: () => new Promise((r) => server.close(r)) };
}

export async function connect(socket, { SmallSchema, BlobSchema, StreamRequestSchema }) {
  const conn = net.connect(socket);
  await new Promise((resolve, reject) => {
    conn.once("connect", resolve);
    conn.once("error", reject);
  });
  const pending = new Map();
  let nextId = 1;
  conn.on(
    "data",
    framer((id, _type, flags, payload) => pending.get(id)?.(flags, payload)),
  );
  conn.on("close", () => {
    for (const h of pending.values()) h(-1);
    pending.clear();
  });
  const write = writer(conn);
  const closed = new Error("connection closed");

  const unary = (type, schema) => (msg) =>
    new Promise((resolve, reject) => {
      const id = nextId;
      nextId += 2;
      pending.set(id, (flags, payload) => {
        pending.delete(id);
        if (flags < 0) reject(closed);
        else resolve(fromBinary(schema, payload));
      });
      write(id, type, 0, toBinary(schema, msg));
    });

  // A streamed reply: messages until an empty frame with flags=END.
  const receive = (id, onMessage, resolve, reject) =>
    pending.set(id, (flags, payload) => {
      if (flags < 0) reject(closed);
      else if (flags & END) {
        pending.delete(id);
        resolve();
      } else onMessage(fromBinary(BlobSchema, payload));
    });

  return {
    echo: unary(ECHO, SmallSchema),
    echoBlob: unary(ECHO_BLOB, BlobSchema),
    stream(req, onMessage) {
      return new Promise((resolve, reject) => {
        const id = nextId;
        nextId += 2;
        receive(id, onMessage, resolve, reject);
        write(id, STREAM, 0, toBinary(StreamRequestSchema, req));
      });
    },
    bidi(count, msg, onMessage) {
      return new Promise((resolve, reject) => {
        const id = nextId;
        nextId += 2;
        receive(id, onMessage, resolve, reject);
        (async () => {
          for (let i = 0; i < count; i++) {
            if (!write(id, BIDI, 0, toBinary(BlobSchema, msg))) await drained(conn);
          }
          write(id, BIDI, END, EMPTY);
        })().catch(reject);
      });
    },
    sink(count, msg) {
      return new Promise((resolve, reject) => {
        const id = nextId;
        nextId += 2;
        pending.set(id, (flags, payload) => {
          pending.delete(id);
          if (flags < 0) reject(closed);
          else resolve(fromBinary(StreamRequestSchema, payload));
        });
        (async () => {
          for (let i = 0; i < count; i++) {
            if (!write(id, SINK, 0, toBinary(BlobSchema, msg))) await drained(conn);
          }
          write(id, SINK, END, EMPTY);
        })().catch(reject);
      });
    },
    close: () => conn.destroy(),
  };
}
