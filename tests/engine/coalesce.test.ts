// Token deltas are joined in the worker: first at once, then one message per interval with enough text (or per second), none lost.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer, coalescerFor } from '../../src/lib/engine/coalesce';

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
    0,
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

describe('with a minimum of text per message', () => {
  // 250 ms apart at most when 10 characters are held, else once a second.
  beforeEach(() => {
    c = new DeltaCoalescer(
      (d, n) => sent.push([d, n]),
      250,
      () => now,
      10,
      1000,
    );
  });

  it('a slow stream of short deltas sends once a second, not every interval', () => {
    c.push('a');
    expect(sent).toEqual([['a', 1]]);
    for (let i = 0; i < 9; i++) {
      advance(100);
      c.push('b');
    }
    // 900 ms: 9 characters, fewer than 10, so nothing more yet.
    expect(sent).toHaveLength(1);
    advance(100);
    expect(sent).toEqual([
      ['a', 1],
      ['bbbbbbbbb', 9],
    ]);
  });

  it('enough text goes after the interval, without waiting for the second', () => {
    c.push('a');
    advance(50);
    c.push('0123456789');
    // Held since 50 ms; due 250 ms after the first message.
    advance(199);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent).toEqual([
      ['a', 1],
      ['0123456789', 1],
    ]);
    // A later short delta waits for the second again, counted from that message.
    c.push('x');
    advance(999);
    expect(sent).toHaveLength(2);
    advance(1);
    expect(sent.at(-1)).toEqual(['x', 1]);
  });

  it('text that becomes enough replaces the once-a-second deadline with the earlier one', () => {
    c.push('a');
    advance(10);
    c.push('b'); // due at 1,000 ms
    advance(10);
    c.push('0123456789'); // enough: due at 250 ms
    advance(230);
    expect(sent).toEqual([
      ['a', 1],
      ['b0123456789', 2],
    ]);
    advance(1000);
    expect(sent).toHaveLength(2);
  });
});

describe('coalescerFor (the pace a generate request asks for)', () => {
  it('no coalescer when the page asked for no streamed text', () => {
    expect(coalescerFor(false, () => {})).toBeNull();
  });

  it.each([
    // The default: 400 characters or 500 ms; at 10 characters per 100 ms, a message every 500 ms.
    ['no pace', undefined, [0, 500, 1000, 1500, 2000]],
    // The Judge page's pace: 600 characters or 2 s.
    ['600 characters or 2 s', { minChars: 600, maxWaitMs: 2000 }, [0, 2000]],
    // Enough text sooner: every 250 ms at most.
    [
      '30 characters or 2 s',
      { minChars: 30, maxWaitMs: 2000 },
      [0, 300, 600, 900, 1200, 1500, 1800],
    ],
  ])('%s: when a slow stream is sent', (_n, pace, at) => {
    const times: number[] = [];
    const co = coalescerFor(
      pace,
      () => times.push(now),
      () => now,
    )!;
    for (let t = 0; t < 2000; t += 100) {
      co.push('0123456789');
      advance(100);
    }
    expect(times).toEqual(at);
  });
});
