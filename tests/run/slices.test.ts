// Slicing long loops: each slice is at most its size, a yield to the event loop comes between slices, and nextTask is a task, not a microtask.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { inSlices, nextTask } from '../../src/lib/run/slices';

/** Lets every queued microtask (and the ones they queue) run. */
async function drainMicrotasks(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('nextTask', () => {
  test('resolves only after the microtasks queued now have all run (in a later task)', async () => {
    let resolved = false;
    const next = nextTask().then(() => (resolved = true));
    await drainMicrotasks();
    expect(resolved).toBe(false);
    await next;
    expect(resolved).toBe(true);
  });

  test("uses the browser's scheduler.yield where there is one", async () => {
    const yieldFn = vi.fn(() => Promise.resolve());
    vi.stubGlobal('scheduler', { yield: yieldFn });
    await nextTask();
    expect(yieldFn).toHaveBeenCalledTimes(1);
  });
});

describe('inSlices', () => {
  test('hands over every element once, in order, in slices of at most `size` with a yield between them', async () => {
    const events: string[] = [];
    const seen: number[] = [];
    await inSlices(
      Array.from({ length: 25 }, (_, i) => i),
      10,
      (slice, from) => {
        events.push(`slice ${from} (${slice.length})`);
        seen.push(...slice);
      },
      {
        yieldTask: () => {
          events.push('yield');
          return Promise.resolve();
        },
      },
    );
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(events).toEqual(['slice 0 (10)', 'yield', 'slice 10 (10)', 'yield', 'slice 20 (5)']);
  });

  test('awaits an async slice before yielding and starting the next', async () => {
    const events: string[] = [];
    await inSlices(
      [1, 2, 3],
      1,
      async (slice) => {
        events.push(`start ${slice[0]}`);
        await drainMicrotasks(3);
        events.push(`end ${slice[0]}`);
      },
      { yieldTask: () => (events.push('yield'), Promise.resolve()) },
    );
    expect(events).toEqual([
      'start 1',
      'end 1',
      'yield',
      'start 2',
      'end 2',
      'yield',
      'start 3',
      'end 3',
    ]);
  });

  test('stops after the slice during which the signal aborts', async () => {
    const abort = new AbortController();
    const slices: number[] = [];
    await inSlices(
      [0, 1, 2, 3, 4, 5],
      2,
      (_slice, from) => {
        slices.push(from);
        if (from === 2) abort.abort();
      },
      { signal: abort.signal, yieldTask: () => Promise.resolve() },
    );
    expect(slices).toEqual([0, 2]);
  });

  test('with the default yield, what a slice left queued as microtasks has all run before the next slice', async () => {
    let chainDone = false;
    const atSlice: boolean[] = [];
    await inSlices([0, 1], 1, (_slice, from) => {
      atSlice.push(chainDone);
      // Not awaited: a microtask chain the slice starts and leaves behind.
      if (from === 0) void drainMicrotasks(200).then(() => (chainDone = true));
    });
    expect(atSlice).toEqual([false, true]);
  });

  test('an empty list calls nothing and does not yield', async () => {
    const each = vi.fn();
    const yieldTask = vi.fn(() => Promise.resolve());
    await inSlices([], 5, each, { yieldTask });
    expect(each).not.toHaveBeenCalled();
    expect(yieldTask).not.toHaveBeenCalled();
  });
});
