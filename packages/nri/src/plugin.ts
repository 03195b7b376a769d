import type { Duplex } from "node:stream";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type CallOptions, Code, connect, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import {
  type ContainerUpdate,
  type FailurePolicySchema,
  Plugin,
  type RegisterPluginRequestSchema,
  Runtime,
  type UpdateContainersRequestSchema,
  type UpdateContainersResponse,
} from "./gen/api_pb.js";
import { NRI_VERSION } from "./gen/version.js";
import type { ContainerUpdateInit, PluginHandlers, RuntimeInfo } from "./handlers.js";
import { type PluginIdentity, resolvePluginIdentity } from "./identity.js";
import { Multiplexer, PLUGIN_SERVICE_CONN, RUNTIME_SERVICE_CONN } from "./multiplex/index.js";
import { handledEvents, pluginService } from "./plugin-service.js";
import { openNriSocket } from "./socket.js";

/** The calls the plugin makes on the runtime's `nri.pkg.api.v1alpha1.Runtime` service. */
interface RuntimePort {
  registerPlugin(request: MessageInitShape<typeof RegisterPluginRequestSchema>, options?: CallOptions): Promise<unknown>;
  updateContainers(
    request: MessageInitShape<typeof UpdateContainersRequestSchema>,
    options?: CallOptions,
  ): Promise<UpdateContainersResponse>;
}

/** NRI's default budget for registration, until the runtime says otherwise. */
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 5000;
/** NRI's default budget for one request, until the runtime says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2000;

/** Options for {@link createPlugin}. */
export interface PluginOptions {
  /** Plugin name. Default: NRI_PLUGIN_NAME, else from the program's `IDX-NAME` file name. */
  name?: string | undefined;
  /** Two-digit index that orders plugins. Default: NRI_PLUGIN_IDX, else from the program's file name. */
  idx?: string | undefined;
  /** Socket to dial when none is inherited (NRI_PLUGIN_SOCKET). Default `/var/run/nri/nri.sock`. */
  socketPath?: string | undefined;
  /** An already connected stream to the runtime; skips NRI_PLUGIN_SOCKET and `socketPath`. */
  socket?: Duplex;
  /** Environment to read NRI_PLUGIN_* from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * What the runtime does when this plugin fails a request (times out,
   * disconnects): keep it connected, fail the request. Default: the runtime's
   * default (drop the plugin, let the request go on).
   */
  failurePolicy?: MessageInitShape<typeof FailurePolicySchema>;
  /**
   * Called once when the connection to the runtime is gone: no argument when
   * the runtime closed it (or `stop()` did), else the error.
   */
  onClose?: (error?: Error) => void;
}

/**
 * An NRI plugin: connects to the runtime, registers, gets configured and
 * synchronized, then serves the events its handlers cover until the runtime
 * closes the connection or {@link NriPlugin.stop} is called.
 */
export class NriPlugin {
  /** The plugin's name and index. */
  readonly identity: PluginIdentity;
  /** The events the handlers cover, as an NRI event mask. */
  readonly handledEvents: number;
  readonly #handlers: PluginHandlers;
  readonly #options: PluginOptions;
  readonly #closeListeners = new Set<(error?: Error) => void>();
  #mux: Multiplexer | undefined;
  #server: Server | undefined;
  #runtime: RuntimePort | undefined;
  #closeConn: (() => void) | undefined;
  #state: "new" | "starting" | "started" | "closed" = "new";
  #closedWith: { error?: Error } | undefined;
  #registrationTimeoutMs = DEFAULT_REGISTRATION_TIMEOUT_MS;
  #requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  #runtimeInfo: RuntimeInfo | undefined;
  #events = 0;

  constructor(handlers: PluginHandlers, options: PluginOptions = {}) {
    this.#handlers = handlers;
    this.#options = options;
    this.handledEvents = handledEvents(handlers);
    if (this.handledEvents === 0) throw new Error("NRI plugin implements no event handlers (runPodSandbox, createContainer, ...)");
    this.identity = resolvePluginIdentity(options, options.env ?? process.env, process.argv[1]);
    if (options.onClose) this.#closeListeners.add(options.onClose);
  }

  /** `IDX-NAME`, as the runtime shows the plugin. */
  get fullName(): string {
    return `${this.identity.idx}-${this.identity.name}`;
  }

  /** Registration budget: NRI's default, then what the runtime configured. */
  get registrationTimeoutMs(): number {
    return this.#registrationTimeoutMs;
  }

  /** Per-request budget: NRI's default, then what the runtime configured. */
  get requestTimeoutMs(): number {
    return this.#requestTimeoutMs;
  }

  /** The runtime, once it has configured the plugin. */
  get runtime(): RuntimeInfo | undefined {
    return this.#runtimeInfo;
  }

  /** The events the runtime was told to send (after `configure`). */
  get subscribedEvents(): number {
    return this.#events;
  }

  /** Whether the connection to the runtime is gone. */
  get closed(): boolean {
    return this.#state === "closed";
  }

  /**
   * Connects, registers and waits until the runtime has configured the
   * plugin. Rejects with the reason (no socket, registration refused or timed
   * out, configuration failed, connection closed) and leaves nothing open.
   */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`NRI plugin ${this.fullName} was already started`);
    this.#state = "starting";
    try {
      await this.#start();
      this.#state = "started";
    } catch (e) {
      this.#shutdown(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  /** Starts the plugin and resolves when the connection closes (with its error, if any). */
  async run(): Promise<Error | undefined> {
    await this.start();
    return this.wait();
  }

  /** Resolves when the connection to the runtime is gone: undefined after a clean close, else the error. */
  wait(): Promise<Error | undefined> {
    return new Promise((resolve) => this.onClose(resolve));
  }

  /** Registers a close callback (called at once if already closed); returns a function that removes it. */
  onClose(listener: (error?: Error) => void): () => void {
    if (this.#closedWith) {
      const e = this.#closedWith.error;
      queueMicrotask(() => listener(e));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * Asks the runtime for container updates outside of any request. Resolves
   * with the updates the runtime could not apply.
   */
  async updateContainers(update: ContainerUpdateInit[], options?: CallOptions): Promise<ContainerUpdate[]> {
    if (!this.#runtime || this.#state !== "started") throw new Error(`NRI plugin ${this.fullName} is not connected`);
    try {
      const res = await this.#runtime.updateContainers({ update }, options);
      return res.failed;
    } catch (e) {
      if (e instanceof TtrpcError && e.code === Code.Unimplemented) {
        throw new TtrpcError(`the runtime does not implement UpdateContainers: ${e.rawMessage}`, Code.Unimplemented, { cause: e });
      }
      throw e;
    }
  }

  /** Closes the connection to the runtime; `onClose` listeners run. */
  stop(): void {
    this.#shutdown(undefined);
  }

  async #start(): Promise<void> {
    const trunk = this.#options.socket ?? (await openNriSocket({ socketPath: this.#options.socketPath, env: this.#options.env }));
    const mux = new Multiplexer(trunk, { onClose: (error) => this.#shutdown(peerClosed(error) ? undefined : error) });
    this.#mux = mux;

    let onConfigured!: () => void;
    let onConfigureFailed!: (e: Error) => void;
    const configured = new Promise<void>((resolve, reject) => {
      onConfigured = resolve;
      onConfigureFailed = reject;
    });
    const server = new Server();
    server.register(
      Plugin,
      pluginService(this.#handlers, {
        failurePolicy: this.#options.failurePolicy,
        configured: (info) => {
          this.#runtimeInfo = info.runtime;
          this.#registrationTimeoutMs = info.registrationTimeoutMs;
          this.#requestTimeoutMs = info.requestTimeoutMs;
          this.#events = info.events;
          onConfigured();
        },
        configureFailed: (e) => onConfigureFailed(new Error(`NRI plugin configuration failed: ${e.message}`, { cause: e })),
      }),
    );
    server.serve(mux.open(PLUGIN_SERVICE_CONN));
    this.#server = server;

    const conn = await connect(mux.open(RUNTIME_SERVICE_CONN));
    this.#closeConn = () => conn.close();
    this.#runtime = createClient(Runtime, conn);

    const closed = new Promise<never>((_, reject) =>
      this.onClose((e) =>
        reject(new Error(`NRI runtime closed the connection before the plugin was configured${e ? `: ${e.message}` : ""}`)),
      ),
    );
    closed.catch(() => {});
    const { name, idx } = this.identity;
    try {
      await Promise.race([
        this.#runtime.registerPlugin(
          { pluginName: name, pluginIdx: idx, NRIVersion: NRI_VERSION },
          { timeoutMs: this.#registrationTimeoutMs },
        ),
        closed,
      ]);
    } catch (e) {
      throw new Error(`failed to register with NRI/Runtime: ${(e as Error).message}`, { cause: e });
    }
    // The runtime configures right after registering, within one request budget.
    const budget = this.#registrationTimeoutMs + this.#requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`NRI runtime did not configure the plugin within ${budget} ms of registering`)), budget);
    });
    try {
      await Promise.race([configured, closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #shutdown(error: Error | undefined): void {
    if (this.#closedWith) return;
    this.#closedWith = error ? { error } : {};
    this.#state = "closed";
    this.#closeConn?.();
    void this.#server?.close();
    this.#mux?.close();
    this.#runtime = undefined;
    for (const l of this.#closeListeners) l(error);
    this.#closeListeners.clear();
  }
}

/**
 * Whether a trunk error only says the runtime closed its end (its `Stop`,
 * or dropping the plugin): a write or read that raced with that close.
 */
function peerClosed(error: Error | undefined): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "EPIPE" || code === "ECONNRESET";
}

/**
 * Creates an NRI plugin from its handlers (see {@link PluginHandlers});
 * call `start()` or `run()` to connect.
 *
 * ```ts
 * const plugin = createPlugin({
 *   createContainer(pod, ctr) {
 *     return { adjust: { env: [{ key: "HELLO", value: "world" }] } };
 *   },
 * }, { name: "hello", idx: "10" });
 * await plugin.run();
 * ```
 */
export function createPlugin(handlers: PluginHandlers, options?: PluginOptions): NriPlugin {
  return new NriPlugin(handlers, options);
}
