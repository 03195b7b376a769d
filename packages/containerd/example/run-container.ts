import { connectShim, openShimLog, startShim, withNamespace } from "@ttrpc-ts/containerd";
import { createTaskClient } from "@ttrpc-ts/containerd/task/v3";

const [bundle = ".", id = "demo", namespace = "default"] = process.argv.slice(2); // bundle: config.json + rootfs
const log = openShimLog(bundle); // the shim daemon logs to the bundle's `log` fifo
const shim = await startShim({ bundle, id, namespace }); // containerd-shim-runc-v2 from PATH
const connection = await connectShim(shim.address);
const task = createTaskClient(connection);
const call = withNamespace(namespace);
const stdio = `file://${bundle}/output.log`;
await task.create({ id, bundle, stdout: stdio, stderr: stdio }, call);
await task.start({ id }, call);
const { exitStatus } = await task.wait({ id }, call);
await task.delete({ id }, call);
await task.shutdown({ id }, call).catch(() => {}); // the shim exits, maybe before it answers
connection.close();
log.close();
console.log(`${id} exited with status ${exitStatus}`);
