// Token deltas are joined per interval in the worker: first at once, then at most one message per frame, none lost.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { DeltaCoalescer } from '../../src/lib/engine/coalesce';

let now = 0;
let sent: [string, number][] = [];
let c: DeltaCoalescer;

beforeEach(() => {
  vi.useFakeTimers();
  now = 0;
  sent = [];
  c = new DeltaCoalescer(
    (d, n) => sent.push([d, n]),
    16,
    () => now,
  );
});
afterEach(() => vi.useRealTimers());

/** Advance both the clock the coalescer reads and the timers. */
function advance(ms: number) {
  now += ms;
  vi.advanceTimersByTime(ms);
}

it('sends the first delta at once and joins a fast burst into one message per interval', () => {
  c.push('a');
  expect(sent).toEqual([['a', 1]]);
  for (const d of ['b', 'c', 'd']) {
    advance(1);
    c.push(d);
  }
  expect(sent).toHaveLength(1);
  advance(13);
  expect(sent).toEqual([
    ['a', 1],
    ['bcd', 3],
  ]);
});

it('a slow stream sends every token as it comes', () => {
  for (const d of ['x', 'y', 'z']) {
    c.push(d);
    advance(40);
  }
  expect(sent).toEqual([
    ['x', 1],
    ['y', 1],
    ['z', 1],
  ]);
});

it('flush sends what is held at once; cancel drops it', () => {
  c.push('a');
  c.push('b');
  c.flush();
  expect(sent).toEqual([
    ['a', 1],
    ['b', 1],
  ]);
  advance(1);
  c.push('c');
  c.cancel();
  advance(100);
  expect(sent).toHaveLength(2);
});
