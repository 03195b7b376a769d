// ttrpc-ts: the runtime under test, from its built dist (plain `node`
// resolves `@ttrpc-ts/runtime` to packages/runtime/dist/esm; under the
// orchestrator, a snapshot of that dist, see ../runtime-snapshot.mjs), with
// the protobuf-es service descriptor used directly, as an application would.
import { runtimeSpecifier } from "../runtime-snapshot.mjs";

const { connect: ttrpcConnect, createClient, Server } = await import(runtimeSpecifier());

export async function serve(socket, { Bench, BlobSchema }) {
  const { create } = await import("@bufbuild/protobuf");
  const server = new Server();
  server.register(Bench, {
    echo: (req) => req,
    echoBlob: (req) => req,
    async *stream(req) {
      const msg = create(BlobSchema, { data: new Uint8Array(req.size) });
      for (let i = 0; i < req.count; i++) yield msg;
    },
    async *bidi(requests) {
      for await (const m of requests) yield m;
    },
    async sink(requests) {
      let count = 0;
      let size = 0;
      for await (const m of requests) {
        count++;
        size = m.data.length;
      }
      return { count, size };
    },
  });
  await server.listen(socket);
  return { close: () => server.close() };
}

export async function connect(socket, { Bench }) {
  const connection = await ttrpcConnect(socket);
  const bench = createClient(Bench, connection);
  return {
    echo: (msg) => bench.echo(msg),
    echoBlob: (msg) => bench.echoBlob(msg),
    async stream(req, onMessage) {
      for await (const m of bench.stream(req)) onMessage(m);
    },
    async bidi(count, msg, onMessage) {
      async function* requests() {
        for (let i = 0; i < count; i++) yield msg;
      }
      for await (const m of bench.bidi(requests())) onMessage(m);
    },
    sink(count, msg) {
      async function* requests() {
        for (let i = 0; i < count; i++) yield msg;
      }
      return bench.sink(requests());
    },
    close: () => connection.close(),
  };
}
