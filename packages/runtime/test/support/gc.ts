import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (enabling `gc` at run time when node was not started with --expose-gc). */
export function gc(): void {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) gcFn = g;
    else {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as () => void;
    }
  }
  gcFn();
}

/**
 * Heap plus array buffers in use after a full collection (array buffers are
 * swept concurrently, hence the pause and the second collection).
 */
export async function retainedBytes(): Promise<number> {
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
