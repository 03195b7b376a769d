// One benchmark server process: `node bench/lib/server.mjs <peer> <socket>`
// with peer = ttrpc-ts | ceiling | grpc-js. Prints READY once listening;
// exits on SIGTERM/SIGINT or when stdin closes (so it never outlives the
// orchestrator). Loads nothing but the messages and the one peer, so its
// resident memory is that peer's.
import { loadSchema } from "./schema.mjs";

const [peer, socket] = process.argv.slice(2);
const impl = await import(`./peers/${peer}.mjs`);
const schema = await loadSchema();
const server = await impl.serve(socket, schema);
process.stdout.write("READY\n");

const stop = () => {
  void server.close();
  // Open client connections must not keep the process alive.
  setTimeout(() => process.exit(0), 200).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
