// Long loops on the main thread cut into slices, with a yield to the event loop between them, so no task runs long.

/** `scheduler.yield()` where the browser has it (not yet in every lib.dom). */
interface YieldingScheduler {
  yield(): Promise<void>;
}

/**
 * Resolves in a later task, not a microtask, so input, rendering and IndexedDB events run in
 * between. Not a timer: a hidden tab throttles chained timers to one a second or slower, and a
 * batch run goes on in a hidden tab.
 */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<YieldingScheduler> }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      // A port left open keeps a Node process (the unit tests) alive.
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

export interface SliceOptions {
  /** Stops after the slice during which this aborts. */
  signal?: AbortSignal;
  /** How to yield between slices (default nextTask; tests count the calls). */
  yieldTask?: () => Promise<void>;
}

/**
 * Calls `each` on `xs` in slices of at most `size`, yielding to the event loop between slices.
 * Awaiting a promise does not by itself end a task: work whose promises resolve without waiting
 * for an event (a run's planning, 10,000 judgment keys) otherwise runs in one task however it is
 * chunked. The first slice runs in the caller's task.
 */
export async function inSlices<T>(
  xs: readonly T[],
  size: number,
  each: (slice: T[], from: number) => Promise<void> | void,
  opts: SliceOptions = {},
): Promise<void> {
  const step = Math.max(1, Math.floor(size));
  const yieldTask = opts.yieldTask ?? nextTask;
  for (let from = 0; from < xs.length; from += step) {
    if (from > 0) await yieldTask();
    await each(xs.slice(from, from + step), from);
    if (opts.signal?.aborted) return;
  }
}
