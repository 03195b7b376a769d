// Type-level checks of the CommonJS output's declarations: this file is
// CommonJS (cjs/package.json), so it uses `import x = require()`.
import type { Connection, Server } from "@ttrpc-ts/runtime";

import stream = require("./gen/fixtures/stream/v1/stream_ttrpc.js");
import legacy = require("./gen/fixtures/legacy/v1/legacy_ttrpc.js");

declare const connection: Connection;
declare const server: Server;

const client: stream.ItemStoreClient = stream.createItemStoreClient(connection);
const asImpl: Partial<stream.ItemStoreImpl> = client;
stream.registerItemStore(server, client);
const got: Promise<unknown> = client.get({ id: "a" });

const pinger = legacy.createPingerClient(connection);
legacy.registerPinger(server, {
  ping: (req) => pinger.ping(req),
  pingStream: (reqs, ctx) => pinger.pingStream(reqs, ctx),
});

export = { asImpl: asImpl as unknown, got: got as unknown };
