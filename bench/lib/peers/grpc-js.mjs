// @grpc/grpc-js over a unix socket, with a hand-written service definition
// whose (de)serializers are the same protobuf-es toBinary/fromBinary the
// other Node peers use, so only the RPC layer differs.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";

function definition({ SmallSchema, BlobSchema, StreamRequestSchema }) {
  const codec = (schema) => ({
    serialize: (m) => {
      const b = toBinary(schema, m);
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    },
    deserialize: (b) => fromBinary(schema, b),
  });
  const method = (name, input, output, requestStream, responseStream) => {
    const i = codec(input);
    const o = codec(output);
    return {
      path: `/ttrpc.bench.v1.Bench/${name}`,
      requestStream,
      responseStream,
      requestSerialize: i.serialize,
      requestDeserialize: i.deserialize,
      responseSerialize: o.serialize,
      responseDeserialize: o.deserialize,
      originalName: name[0].toLowerCase() + name.slice(1),
    };
  };
  return {
    Echo: method("Echo", SmallSchema, SmallSchema, false, false),
    EchoBlob: method("EchoBlob", BlobSchema, BlobSchema, false, false),
    Stream: method("Stream", StreamRequestSchema, BlobSchema, false, true),
    Bidi: method("Bidi", BlobSchema, BlobSchema, true, true),
    Sink: method("Sink", BlobSchema, StreamRequestSchema, true, false),
  };
}

const limits = { "grpc.max_receive_message_length": 8 << 20, "grpc.max_send_message_length": 8 << 20 };

export async function serve(socket, schema) {
  const server = new grpc.Server(limits);
  server.addService(definition(schema), {
    Echo: (call, cb) => cb(null, call.request),
    EchoBlob: (call, cb) => cb(null, call.request),
    async Stream(call) {
      const msg = create(schema.BlobSchema, { data: new Uint8Array(call.request.size) });
      for (let i = 0; i < call.request.count; i++) {
        if (!call.write(msg)) await new Promise((r) => call.once("drain", r));
      }
      call.end();
    },
    Bidi(call) {
      call.on("data", (m) => call.write(m));
      call.on("end", () => call.end());
    },
    Sink(call, cb) {
      let count = 0;
      let size = 0;
      call.on("data", (m) => {
        count++;
        size = m.data.length;
      });
      call.on("end", () => cb(null, create(schema.StreamRequestSchema, { count, size })));
    },
  });
  await new Promise((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return { close: () => new Promise((r) => server.tryShutdown(r)) };
}

export async function connect(socket, schema) {
  const Ctor = grpc.makeGenericClientConstructor(definition(schema), "Bench");
  const client = new Ctor(`unix:${socket}`, grpc.credentials.createInsecure(), limits);
  await new Promise((resolve, reject) => client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())));
  const unary = (name) => (msg) => new Promise((resolve, reject) => client[name](msg, (err, res) => (err ? reject(err) : resolve(res))));
  return {
    echo: unary("Echo"),
    echoBlob: unary("EchoBlob"),
    stream(req, onMessage) {
      return new Promise((resolve, reject) => {
        const call = client.Stream(req);
        call.on("data", onMessage);
        call.on("error", reject);
        call.on("end", resolve);
      });
    },
    bidi(count, msg, onMessage) {
      return new Promise((resolve, reject) => {
        const call = client.Bidi();
        call.on("data", onMessage);
        call.on("error", reject);
        call.on("end", resolve);
        (async () => {
          for (let i = 0; i < count; i++) {
            if (!call.write(msg)) await new Promise((r) => call.once("drain", r));
          }
          call.end();
        })().catch(reject);
      });
    },
    sink(count, msg) {
      return new Promise((resolve, reject) => {
        const call = client.Sink((err, res) => (err ? reject(err) : resolve(res)));
        (async () => {
          for (let i = 0; i < count; i++) {
            if (!call.write(msg)) await new Promise((r) => call.once("drain", r));
          }
          call.end();
        })().catch(reject);
      });
    },
    close: () => client.close(),
  };
}
