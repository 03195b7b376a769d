import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";
import type { Metadata } from "@ttrpc-ts/runtime";

/**
 * Reads propagation fields from ttrpc metadata. Lookups ignore case; the
 * first value wins, as in Go's carrier.
 */
export const metadataGetter: TextMapGetter<Metadata> = {
  get: (carrier, key) => carrier.get(key),
  keys: (carrier) => [...carrier.keys()],
};

/**
 * Writes propagation fields into ttrpc metadata, replacing any earlier value
 * (a `traceparent` forwarded from an incoming call must not be sent twice).
 */
export const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};
