// ProgressGate: a run's per-judgment reports reach the view a few times a second, endings at once.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ProgressGate } from '../../src/lib/run/progress-gate';

interface P {
  status: string;
  done: number;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function gate(intervalMs = 100) {
  const seen: P[] = [];
  const g = new ProgressGate<P>(
    (p) => seen.push(p),
    intervalMs,
    () => Date.now(),
  );
  return { g, seen };
}

describe('ProgressGate', () => {
  test('close drops the held report: nothing is delivered after it', () => {
    const { g, seen } = gate();
    g.push({ status: 'running', done: 1 });
    g.push({ status: 'running', done: 2 });
    g.close();
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
    expect(seen).toEqual([{ status: 'running', done: 1 }]);
    g.flush();
    expect(seen).toHaveLength(1);
  });

  test('1,000 reports within one interval are delivered twice: the first at once, the latest after the interval', () => {
    const { g, seen } = gate();
    for (let i = 1; i <= 1000; i++) g.push({ status: 'running', done: i });
    expect(seen).toEqual([{ status: 'running', done: 1 }]);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([
      { status: 'running', done: 1 },
      { status: 'running', done: 1000 },
    ]);
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(2);
  });

  test.each([
    // [reports at these ms, expected deliveries (done values)]
    [
      [0, 10, 50, 99],
      [0, 99],
    ],
    [
      [0, 100, 200, 300],
      [0, 100, 200, 300],
    ],
    [
      [0, 30, 130, 160],
      [0, 30, 160],
    ],
  ])('reports at %j ms deliver %j', (times, expected) => {
    const { g, seen } = gate();
    let t = 0;
    for (const at of times) {
      vi.advanceTimersByTime(at - t);
      t = at;
      g.push({ status: 'running', done: at });
    }
    vi.advanceTimersByTime(1000);
    expect(seen.map((p) => p.done)).toEqual(expected);
  });

  test('a change of status is delivered at once, not after the interval', () => {
    const { g, seen } = gate();
    g.push({ status: 'running', done: 1 });
    g.push({ status: 'running', done: 2 });
    g.push({ status: 'done', done: 3 });
    expect(seen.map((p) => `${p.status}:${p.done}`)).toEqual(['running:1', 'done:3']);
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(2);
  });

  test('flush delivers the held report now, and nothing when none is held', () => {
    const { g, seen } = gate();
    g.push({ status: 'running', done: 1 });
    g.push({ status: 'running', done: 2 });
    g.flush();
    expect(seen.map((p) => p.done)).toEqual([1, 2]);
    g.flush();
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(2);
  });
});
