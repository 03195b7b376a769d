import type { DescMessage, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { CallOptions } from "./call-options.js";
import type { HandlerContext } from "./handler-context.js";
import type { TsProtoMessageFns, TsProtoServiceDefinition } from "./method.js";

type MethodShape = { methodKind: string; input: DescMessage; output: DescMessage };

/** Maybe a promise. */
export type MaybePromise<T> = T | Promise<T>;

/** The client method for one protobuf-es method. */
export type ClientMethod<M> = M extends MethodShape
  ? M["methodKind"] extends "unary"
    ? (request: MessageInitShape<M["input"]>, options?: CallOptions) => Promise<MessageShape<M["output"]>>
    : M["methodKind"] extends "server_streaming"
      ? (request: MessageInitShape<M["input"]>, options?: CallOptions) => AsyncIterable<MessageShape<M["output"]>>
      : M["methodKind"] extends "client_streaming"
        ? (requests: AsyncIterable<MessageInitShape<M["input"]>>, options?: CallOptions) => Promise<MessageShape<M["output"]>>
        : (requests: AsyncIterable<MessageInitShape<M["input"]>>, options?: CallOptions) => AsyncIterable<MessageShape<M["output"]>>
  : never;

/**
 * A typed client for a protobuf-es service: one method per RPC, keyed by
 * its local name. Requests may be init objects.
 */
export type Client<S extends DescService> = {
  readonly [K in keyof S["method"]]: ClientMethod<S["method"][K]>;
};

/** The handler for one protobuf-es method. */
export type HandlerMethod<M> = M extends MethodShape
  ? M["methodKind"] extends "unary"
    ? (request: MessageShape<M["input"]>, context: HandlerContext) => MaybePromise<MessageInitShape<M["output"]>>
    : M["methodKind"] extends "server_streaming"
      ? (request: MessageShape<M["input"]>, context: HandlerContext) => AsyncIterable<MessageInitShape<M["output"]>>
      : M["methodKind"] extends "client_streaming"
        ? (requests: AsyncIterable<MessageShape<M["input"]>>, context: HandlerContext) => MaybePromise<MessageInitShape<M["output"]>>
        : (requests: AsyncIterable<MessageShape<M["input"]>>, context: HandlerContext) => AsyncIterable<MessageInitShape<M["output"]>>
  : never;

/**
 * A service implementation for a protobuf-es service. Handlers may return
 * init objects. Register a `Partial` of it: missing methods answer
 * UNIMPLEMENTED.
 */
export type ServiceImpl<S extends DescService> = {
  [K in keyof S["method"]]: Inheritable<K, HandlerMethod<S["method"][K]>>;
};

/**
 * A handler named like an `Object.prototype` member (`hasOwnProperty`,
 * `isPrototypeOf`) may also be that inherited member: every object has it,
 * so a partial implementation that leaves the method out still type-checks
 * (the server answers UNIMPLEMENTED for it, never calling the built-in).
 */
type Inheritable<K, H> = K extends keyof Object ? H | Object[K] : H;

type TsIn<M> = M extends { requestType: TsProtoMessageFns<infer I> } ? I : never;
type TsOut<M> = M extends { responseType: TsProtoMessageFns<infer O> } ? O : never;

/** The client method for one ts-proto method. */
export type TsProtoClientMethod<M> = M extends { requestStream: true }
  ? M extends { responseStream: true }
    ? (requests: AsyncIterable<TsIn<M>>, options?: CallOptions) => AsyncIterable<TsOut<M>>
    : (requests: AsyncIterable<TsIn<M>>, options?: CallOptions) => Promise<TsOut<M>>
  : M extends { responseStream: true }
    ? (request: TsIn<M>, options?: CallOptions) => AsyncIterable<TsOut<M>>
    : (request: TsIn<M>, options?: CallOptions) => Promise<TsOut<M>>;

/** A typed client for a ts-proto generic definition. */
export type TsProtoClient<D extends TsProtoServiceDefinition> = {
  readonly [K in keyof D["methods"]]: TsProtoClientMethod<D["methods"][K]>;
};

/** The handler for one ts-proto method. */
export type TsProtoHandlerMethod<M> = M extends { requestStream: true }
  ? M extends { responseStream: true }
    ? (requests: AsyncIterable<TsIn<M>>, context: HandlerContext) => AsyncIterable<TsOut<M>>
    : (requests: AsyncIterable<TsIn<M>>, context: HandlerContext) => MaybePromise<TsOut<M>>
  : M extends { responseStream: true }
    ? (request: TsIn<M>, context: HandlerContext) => AsyncIterable<TsOut<M>>
    : (request: TsIn<M>, context: HandlerContext) => MaybePromise<TsOut<M>>;

/** A service implementation for a ts-proto generic definition. */
export type TsProtoServiceImpl<D extends TsProtoServiceDefinition> = {
  [K in keyof D["methods"]]: Inheritable<K, TsProtoHandlerMethod<D["methods"][K]>>;
};
