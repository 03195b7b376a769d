import { Event } from "./gen/api_pb.js";

/** Bit of `event` in an NRI event mask: bit (event − 1), as NRI's `EventMask`. */
export function eventBit(event: Event): number {
  if (!Number.isInteger(event) || event <= Event.UNKNOWN || event >= Event.LAST) throw new RangeError(`not an NRI event: ${event}`);
  return 2 ** (event - 1);
}

/** The event mask subscribing to `events`. */
export function eventMask(...events: Event[]): number {
  let mask = 0;
  for (const e of events) mask |= eventBit(e);
  return mask;
}

/** The events in `mask`, in ascending order; unknown bits are ignored. */
export function eventsOf(mask: number): Event[] {
  const out: Event[] = [];
  for (let e = Event.RUN_POD_SANDBOX; e < Event.LAST; e++) if (mask & eventBit(e)) out.push(e);
  return out;
}

/** Every event NRI defines, as a mask. */
export const ALL_EVENTS = eventMask(...eventsOf(0xffffffff));
