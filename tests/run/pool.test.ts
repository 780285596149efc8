// The bounded pool: never more than N in flight, lazy pulls, failures isolated, abort; the concurrency probe.
import { describe, expect, it } from 'vitest';
import { AdaptiveLimit, probeConcurrency, runPool } from '../../src/lib/run/pool';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('runPool', () => {
  it.each([1, 3, 8])('keeps at most %i tasks in flight and runs every input once', async (n) => {
    let inFlight = 0;
    let max = 0;
    const seen: number[] = [];
    const sum = await runPool(
      Array.from({ length: 25 }, (_, i) => i),
      async (x) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await tick(1 + (x % 3));
        inFlight--;
        return x * 2;
      },
      { concurrency: n, onResult: (r, x) => seen.push(r - x) },
    );
    expect(max).toBe(n);
    expect(sum).toEqual({ started: 25, succeeded: 25, failed: 0, aborted: false });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('pulls the source lazily (a huge generator is never drained ahead)', async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield i;
      }
    }
    const ac = new AbortController();
    let done = 0;
    await runPool(
      source(),
      async () => {
        await tick();
        if (++done === 20) ac.abort();
      },
      { concurrency: 4, signal: ac.signal },
    );
    expect(pulled).toBeLessThanOrEqual(24);
  });

  it('isolates failures and reports them with their input', async () => {
    const errors: number[] = [];
    const sum = await runPool(
      [1, 2, 3, 4],
      async (x) => {
        if (x % 2 === 0) throw new Error(`bad ${x}`);
        return x;
      },
      { concurrency: 2, onError: (_e, x) => errors.push(x) },
    );
    expect(sum).toMatchObject({ succeeded: 2, failed: 2 });
    expect(errors.sort()).toEqual([2, 4]);
  });

  it('works with async iterables', async () => {
    async function* src() {
      for (let i = 0; i < 5; i++) {
        await tick();
        yield i;
      }
    }
    const out: number[] = [];
    await runPool(src(), async (x) => x, { concurrency: 3, onResult: (r) => out.push(r) });
    expect(out.sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('probeConcurrency', () => {
  it('recommends where throughput stops growing', async () => {
    // A server with 8 slots: a burst of n takes ceil(n / 8) rounds of 10 ms.
    let clock = 0;
    let active = 0;
    const send = async () => {
      active++;
      await tick();
      active--;
    };
    let burst = 0;
    const levels: number[] = [];
    const r = await probeConcurrency(
      async () => {
        burst++;
        await send();
      },
      [1, 4, 16, 64],
      () => {
        // Simulated time: each call to now() at the end of a level adds that level's rounds.
        const n = burst;
        burst = 0;
        if (n > 0) {
          levels.push(n);
          clock += Math.ceil(n / 8) * 10;
        }
        return clock;
      },
    );
    expect(r.levels.map((l) => l.concurrency)).toEqual([1, 4, 16, 64]);
    expect(r.levels.map((l) => Math.round(l.requestsPerS))).toEqual([100, 400, 800, 800]);
    expect(r.recommended).toBe(16);
    expect(active).toBe(0);
  });

  it('stops at the first failing level', async () => {
    let calls = 0;
    const r = await probeConcurrency(async () => {
      if (++calls > 5) throw new Error('429');
    });
    expect(r.levels.map((l) => l.concurrency)).toEqual([1, 4]);
  });
});

describe('AdaptiveLimit (AIMD)', () => {
  it('halves once per burst of refusals, waits out Retry-After, then grows by one per window', () => {
    let clock = 0;
    const l = new AdaptiveLimit(32, { now: () => clock });
    // A burst: 20 refusals within the same moment count as one signal.
    for (let i = 0; i < 20; i++) l.overload(null);
    expect(l.limit).toBe(16);
    expect(l.cuts).toBe(1);
    expect(l.overloads).toBe(20);
    clock += 150; // past the 100 ms minimum window: the next refusal is a new signal
    l.overload(2_000);
    expect(l.limit).toBe(8);
    expect(l.pausedUntil).toBe(2_150);
    // Tasks that started before the cut do not count towards growth…
    for (let i = 0; i < 20; i++) l.success(200);
    expect(l.limit).toBe(8);
    // …later ones do: one more after `limit` successes, so 8 → 9 after 8, → 10 after 9 more.
    clock += 50;
    for (let i = 0; i < 7; i++) l.success(10);
    expect(l.limit).toBe(8);
    l.success(10);
    expect(l.limit).toBe(9);
    for (let i = 0; i < 9; i++) l.success(10);
    expect(l.limit).toBe(10);
    // Never below min, never above max.
    for (let i = 0; i < 10; i++) {
      clock += 10_000;
      l.overload(null);
    }
    expect(l.limit).toBe(1);
    clock += 50;
    for (let i = 0; i < 10_000; i++) l.success(10);
    expect(l.limit).toBe(32);
  });

  it('runPool obeys the limit as it changes and pauses new starts for Retry-After', async () => {
    const l = new AdaptiveLimit(8);
    let inFlight = 0;
    const maxAfterCut: number[] = [];
    let cut = false;
    let pauseEnds = 0;
    const startsDuringPause: number[] = [];
    const sum = await runPool(
      Array.from({ length: 60 }, (_, i) => i),
      async (x) => {
        inFlight++;
        if (cut) maxAfterCut.push(inFlight);
        if (performance.now() < pauseEnds) startsDuringPause.push(x);
        if (x === 10) {
          l.overload(40); // the server said: 429, Retry-After 40 ms
          l.overload(40);
          pauseEnds = performance.now() + 40;
        }
        await tick(3);
        inFlight--;
        if (x === 10) cut = true; // from here on, the old tasks have drained below the new limit
      },
      { concurrency: 8, limit: l },
    );
    expect(sum).toMatchObject({ started: 60, succeeded: 60, failed: 0 });
    expect(l.cuts).toBe(1);
    // Started while paused: none after the refusal (those in flight already were not stopped).
    expect(startsDuringPause).toEqual([]);
    // After the cut the pool kept at most 4 (+ what grew back) in flight, never 8 at once again soon.
    expect(Math.max(...maxAfterCut.slice(0, 10))).toBeLessThanOrEqual(5);
  });
});
