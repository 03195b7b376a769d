import assert from "node:assert/strict";
import { test } from "node:test";
import { ALL_EVENTS, eventBit, eventMask, eventsOf } from "./events.js";
import { Event } from "./gen/api_pb.js";

test("event bits are NRI's: bit (event - 1)", () => {
  assert.equal(eventBit(Event.RUN_POD_SANDBOX), 0x1);
  assert.equal(eventBit(Event.CREATE_CONTAINER), 0x8);
  assert.equal(eventBit(Event.VALIDATE_CONTAINER_ADJUSTMENT), 0x2000);
  assert.equal(eventMask(Event.CREATE_CONTAINER, Event.STOP_CONTAINER), 0x8 | 0x200);
  assert.equal(ALL_EVENTS, 0x3fff);
  assert.deepEqual(eventsOf(0x8 | 0x200 | 0x10000), [Event.CREATE_CONTAINER, Event.STOP_CONTAINER]);
});

test("eventBit refuses what is not an event", () => {
  assert.throws(() => eventBit(Event.UNKNOWN), /not an NRI event: 0/);
  assert.throws(() => eventBit(Event.LAST), /not an NRI event: 15/);
});
