import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext, MaybePromise } from "@ttrpc-ts/runtime";
import type {
  Container,
  ContainerAdjustmentSchema,
  ContainerUpdateSchema,
  LinuxResources,
  PodSandbox,
  ValidateContainerAdjustmentRequest,
} from "./gen/api_pb.js";

/** A container update a plugin asks for (plain object or message). */
export type ContainerUpdateInit = MessageInitShape<typeof ContainerUpdateSchema>;

/** What a `createContainer` handler may return: changes to the new container, and updates to others. */
export interface CreateContainerResult {
  adjust?: MessageInitShape<typeof ContainerAdjustmentSchema>;
  update?: ContainerUpdateInit[];
}

/** The runtime, as `Configure` describes it. */
export interface RuntimeInfo {
  readonly name: string;
  readonly version: string;
  /** The runtime's NRI version, e.g. `v0.12.3`; empty when it did not say. */
  readonly nriVersion: string;
}

/**
 * The plugin's handlers. Implement only the events you need: the plugin
 * subscribes to exactly those. Each gets the request's pod and container
 * (empty messages when the runtime sent none) and the call's context, whose
 * `signal` fires at the runtime's per-request deadline. Throwing fails the
 * request with the error's message; the runtime decides what that means.
 */
export interface PluginHandlers {
  /** Sees the plugin's configuration; may return an event mask to subscribe to fewer events than handled. */
  configure?(config: string, runtime: RuntimeInfo, ctx: HandlerContext): MaybePromise<number | undefined>;
  /** The runtime's pods and containers, once, after configuration (split requests already joined). */
  synchronize?(pods: PodSandbox[], containers: Container[], ctx: HandlerContext): MaybePromise<ContainerUpdateInit[] | undefined>;
  /** The runtime is shutting down. */
  shutdown?(ctx: HandlerContext): MaybePromise<void>;
  runPodSandbox?(pod: PodSandbox, ctx: HandlerContext): MaybePromise<void>;
  updatePodSandbox?(
    pod: PodSandbox,
    overhead: LinuxResources | undefined,
    resources: LinuxResources | undefined,
    ctx: HandlerContext,
  ): MaybePromise<void>;
  postUpdatePodSandbox?(pod: PodSandbox, ctx: HandlerContext): MaybePromise<void>;
  stopPodSandbox?(pod: PodSandbox, ctx: HandlerContext): MaybePromise<void>;
  removePodSandbox?(pod: PodSandbox, ctx: HandlerContext): MaybePromise<void>;
  createContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<CreateContainerResult | undefined>;
  postCreateContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<void>;
  startContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<void>;
  postStartContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<void>;
  updateContainer?(
    pod: PodSandbox,
    container: Container,
    resources: LinuxResources | undefined,
    ctx: HandlerContext,
  ): MaybePromise<ContainerUpdateInit[] | undefined>;
  postUpdateContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<void>;
  stopContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<ContainerUpdateInit[] | undefined>;
  removeContainer?(pod: PodSandbox, container: Container, ctx: HandlerContext): MaybePromise<void>;
  /** Validates the combined adjustments of all plugins; throw to reject them (the message is the reason). */
  validateContainerAdjustment?(request: ValidateContainerAdjustmentRequest, ctx: HandlerContext): MaybePromise<void>;
}
