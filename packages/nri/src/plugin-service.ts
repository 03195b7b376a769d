import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, type HandlerContext, type ServiceImpl, TtrpcError } from "@ttrpc-ts/runtime";
import { eventMask, eventsOf } from "./events.js";
import {
  type Container,
  ContainerSchema,
  Event,
  type FailurePolicySchema,
  type Plugin,
  type PodSandbox,
  PodSandboxSchema,
  type SynchronizeRequest,
} from "./gen/api_pb.js";
import type { PluginHandlers, RuntimeInfo } from "./handlers.js";

type EventHandlerName = Exclude<keyof PluginHandlers, "configure" | "synchronize" | "shutdown">;

/** The event each handler subscribes to. */
const HANDLER_EVENTS: Record<EventHandlerName, Event> = {
  runPodSandbox: Event.RUN_POD_SANDBOX,
  updatePodSandbox: Event.UPDATE_POD_SANDBOX,
  postUpdatePodSandbox: Event.POST_UPDATE_POD_SANDBOX,
  stopPodSandbox: Event.STOP_POD_SANDBOX,
  removePodSandbox: Event.REMOVE_POD_SANDBOX,
  createContainer: Event.CREATE_CONTAINER,
  postCreateContainer: Event.POST_CREATE_CONTAINER,
  startContainer: Event.START_CONTAINER,
  postStartContainer: Event.POST_START_CONTAINER,
  updateContainer: Event.UPDATE_CONTAINER,
  postUpdateContainer: Event.POST_UPDATE_CONTAINER,
  stopContainer: Event.STOP_CONTAINER,
  removeContainer: Event.REMOVE_CONTAINER,
  validateContainerAdjustment: Event.VALIDATE_CONTAINER_ADJUSTMENT,
};

/** The event mask of the handlers `handlers` implements. */
export function handledEvents(handlers: PluginHandlers): number {
  const events: Event[] = [];
  for (const [name, event] of Object.entries(HANDLER_EVENTS) as Array<[EventHandlerName, Event]>) {
    if (typeof handlers[name] === "function") events.push(event);
  }
  return eventMask(...events);
}

/** What the service reports back to the plugin. */
export interface PluginServiceHooks {
  /** The runtime configured the plugin: its time budgets and identity, and the accepted subscription. */
  configured(info: { runtime: RuntimeInfo; registrationTimeoutMs: number; requestTimeoutMs: number; events: number }): void;
  /** Configuration failed; the runtime will drop the plugin. */
  configureFailed(error: Error): void;
  /** The failure policy to send with the configuration. */
  readonly failurePolicy: MessageInitShape<typeof FailurePolicySchema> | undefined;
}

const pod = (p: PodSandbox | undefined) => p ?? create(PodSandboxSchema);
const ctr = (c: Container | undefined) => c ?? create(ContainerSchema);

/**
 * The ttrpc `nri.pkg.api.v1alpha1.Plugin` service around a plugin's
 * handlers. It answers every method, so the runtime never sees UNIMPLEMENTED
 * for an event (which it would retry as `StateChange` and then always send
 * that way); `StateChange` itself, what older runtimes send for events
 * without a dedicated RPC, goes to the same handlers.
 */
export function pluginService(handlers: PluginHandlers, hooks: PluginServiceHooks): ServiceImpl<typeof Plugin> {
  const handled = handledEvents(handlers);
  let pending: SynchronizeRequest | undefined;
  const h = handlers;
  return {
    async configure(req, ctx) {
      try {
        const runtime: RuntimeInfo = { name: req.runtimeName, version: req.runtimeVersion, nriVersion: req.NRIVersion };
        let events = handled;
        if (h.configure) {
          const asked = (await h.configure(req.config, runtime, ctx)) ?? 0;
          if (asked !== 0) events = asked;
          const extra = events & ~handled;
          if (extra !== 0) {
            const names = eventsOf(extra)
              .map((e) => Event[e])
              .join(",");
            throw new TtrpcError(`plugin subscribed for unhandled events ${names} (0x${extra.toString(16)})`, Code.InvalidArgument);
          }
        }
        hooks.configured({
          runtime,
          registrationTimeoutMs: Number(req.registrationTimeout),
          requestTimeoutMs: Number(req.requestTimeout),
          events,
        });
        return { events, ...(hooks.failurePolicy ? { failurePolicy: hooks.failurePolicy } : {}) };
      } catch (e) {
        hooks.configureFailed(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }
    },

    async synchronize(req, ctx) {
      if (!h.synchronize) return { more: req.more };
      // A state too large for one message comes in parts; all but the last
      // have `more` set and get an empty answer echoing it.
      if (pending) {
        pending.pods.push(...req.pods);
        pending.containers.push(...req.containers);
      } else {
        pending = req;
      }
      if (req.more) return { more: true };
      const all = pending;
      pending = undefined;
      const update = (await h.synchronize(all.pods, all.containers, ctx)) ?? [];
      return { update, more: false };
    },

    async shutdown(_req, ctx) {
      await h.shutdown?.(ctx);
      return {};
    },

    async runPodSandbox(req, ctx) {
      await h.runPodSandbox?.(pod(req.pod), ctx);
      return {};
    },
    async updatePodSandbox(req, ctx) {
      await h.updatePodSandbox?.(pod(req.pod), req.overheadLinuxResources, req.linuxResources, ctx);
      return {};
    },
    async postUpdatePodSandbox(req, ctx) {
      await h.postUpdatePodSandbox?.(pod(req.pod), ctx);
      return {};
    },
    async stopPodSandbox(req, ctx) {
      await h.stopPodSandbox?.(pod(req.pod), ctx);
      return {};
    },
    async removePodSandbox(req, ctx) {
      await h.removePodSandbox?.(pod(req.pod), ctx);
      return {};
    },
    async createContainer(req, ctx) {
      const r = (await h.createContainer?.(pod(req.pod), ctr(req.container), ctx)) ?? {};
      return { ...(r.adjust ? { adjust: r.adjust } : {}), update: r.update ?? [] };
    },
    async postCreateContainer(req, ctx) {
      await h.postCreateContainer?.(pod(req.pod), ctr(req.container), ctx);
      return {};
    },
    async startContainer(req, ctx) {
      await h.startContainer?.(pod(req.pod), ctr(req.container), ctx);
      return {};
    },
    async postStartContainer(req, ctx) {
      await h.postStartContainer?.(pod(req.pod), ctr(req.container), ctx);
      return {};
    },
    async updateContainer(req, ctx) {
      const update = (await h.updateContainer?.(pod(req.pod), ctr(req.container), req.linuxResources, ctx)) ?? [];
      return { update };
    },
    async postUpdateContainer(req, ctx) {
      await h.postUpdateContainer?.(pod(req.pod), ctr(req.container), ctx);
      return {};
    },
    async stopContainer(req, ctx) {
      const update = (await h.stopContainer?.(pod(req.pod), ctr(req.container), ctx)) ?? [];
      return { update };
    },
    async removeContainer(req, ctx) {
      await h.removeContainer?.(pod(req.pod), ctr(req.container), ctx);
      return {};
    },

    async stateChange(evt, ctx) {
      await dispatchStateChange(h, evt.event, pod(evt.pod), ctr(evt.container), ctx);
      return {};
    },

    async validateContainerAdjustment(req, ctx) {
      if (!h.validateContainerAdjustment) return {};
      try {
        await h.validateContainerAdjustment(req, ctx);
        return {};
      } catch (e) {
        return { reject: true, reason: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/** Runs the handler for an event the runtime sent as `StateChange`. */
async function dispatchStateChange(h: PluginHandlers, event: Event, p: PodSandbox, c: Container, ctx: HandlerContext): Promise<void> {
  switch (event) {
    case Event.RUN_POD_SANDBOX:
      return h.runPodSandbox?.(p, ctx);
    case Event.POST_UPDATE_POD_SANDBOX:
      return h.postUpdatePodSandbox?.(p, ctx);
    case Event.STOP_POD_SANDBOX:
      return h.stopPodSandbox?.(p, ctx);
    case Event.REMOVE_POD_SANDBOX:
      return h.removePodSandbox?.(p, ctx);
    case Event.POST_CREATE_CONTAINER:
      return h.postCreateContainer?.(p, c, ctx);
    case Event.START_CONTAINER:
      return h.startContainer?.(p, c, ctx);
    case Event.POST_START_CONTAINER:
      return h.postStartContainer?.(p, c, ctx);
    case Event.POST_UPDATE_CONTAINER:
      return h.postUpdateContainer?.(p, c, ctx);
    case Event.REMOVE_CONTAINER:
      return h.removeContainer?.(p, c, ctx);
    default:
      return;
  }
}
