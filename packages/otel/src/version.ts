/** Instrumentation scope name of the tracer the interceptors use. */
export const INSTRUMENTATION_NAME = "@ttrpc-ts/otel";

/** This package's version, reported as the instrumentation scope version. */
export const VERSION = "0.1.0";
