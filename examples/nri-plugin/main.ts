// An NRI plugin in TypeScript: adds an environment variable and an
// annotation to every container the runtime creates, and logs the life of
// pods and containers. Run it next to containerd 2.x or CRI-O with NRI on:
//
//   node --import tsx main.ts [--socket /var/run/nri/nri.sock] [--idx 10] [--name env-annotator]
//
// or install it as a pre-installed plugin (/opt/nri/plugins/10-env-annotator,
// an executable that starts it); the runtime then passes the socket as fd 3.
import { parseArgs } from "node:util";
import { createPlugin } from "@ttrpc-ts/nri";

const { values } = parseArgs({
  options: { socket: { type: "string" }, idx: { type: "string" }, name: { type: "string" } },
});

/** What every container gets. */
export const ENV = { key: "HELLO_FROM_NRI", value: "ttrpc-ts" };
export const ANNOTATION = { key: "example.ttrpc-ts.io/seen-by", value: "env-annotator" };

const log = (msg: string) => console.log(`[env-annotator] ${msg}`);

const plugin = createPlugin(
  {
    configure(config, runtime) {
      log(`configured by ${runtime.name} ${runtime.version} (NRI ${runtime.nriVersion || "unknown"}), config ${JSON.stringify(config)}`);
    },
    synchronize(pods, containers) {
      log(`synchronized: ${pods.length} pods, ${containers.length} containers`);
    },
    runPodSandbox(pod) {
      log(`pod started: ${pod.namespace}/${pod.name}`);
    },
    createContainer(pod, ctr) {
      log(`container created: ${pod.name}/${ctr.name}, adding ${ENV.key} and ${ANNOTATION.key}`);
      return { adjust: { env: [ENV], annotations: { [ANNOTATION.key]: ANNOTATION.value } } };
    },
    startContainer(pod, ctr) {
      log(`container started: ${pod.name}/${ctr.name} (pid ${ctr.pid})`);
    },
    stopContainer(pod, ctr) {
      log(`container stopped: ${pod.name}/${ctr.name}`);
    },
    removeContainer(pod, ctr) {
      log(`container removed: ${pod.name}/${ctr.name}`);
    },
    stopPodSandbox(pod) {
      log(`pod stopped: ${pod.namespace}/${pod.name}`);
    },
    removePodSandbox(pod) {
      log(`pod removed: ${pod.namespace}/${pod.name}`);
    },
  },
  { socketPath: values.socket, idx: values.idx ?? "10", name: values.name ?? "env-annotator" },
);

try {
  await plugin.start();
  log(`registered as ${plugin.fullName}`);
  const error = await plugin.wait();
  log(error ? `connection lost: ${error.message}` : "runtime closed the connection");
} catch (e) {
  console.error(`[env-annotator] ${(e as Error).message}`);
  process.exitCode = 1;
}
