// The Greeter service, implemented once and served by main.ts.
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { GreeterImpl } from "./gen/example/v1/greeter_ttrpc.js";

/** A Greeter: handlers get the request and the call's context, and may return plain objects. */
export const greeter: GreeterImpl = {
  sayHello(req, ctx) {
    const from = ctx.metadata.get("x-caller") ?? "someone";
    return { message: `Hello, ${req.name}! (asked by ${from})`, sentAt: timestampNow() };
  },

  async *sayHelloRepeatedly(req) {
    for (let i = 1; i <= req.count; i++) yield { message: `Hello #${i}, ${req.name}!` };
  },

  async sayHelloToAll(requests) {
    const names: string[] = [];
    for await (const req of requests) names.push(req.name);
    return { message: `Hello, ${names.join(" and ")}!` };
  },

  async *chat(requests) {
    for await (const req of requests) yield { message: `Nice to meet you, ${req.name}.` };
  },
};
