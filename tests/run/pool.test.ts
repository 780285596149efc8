// The bounded pool: never more than N in flight, lazy pulls, failures isolated, abort; the concurrency probe.
import { describe, expect, it } from 'vitest';
import { AdaptiveLimit, probeConcurrency, runPool } from '../../src/lib/run/pool';
import { mulberry32 } from '../../src/lib/judge/stats';

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

  it.each([
    [1, 1],
    [8, 16],
    [200, 64],
  ])(
    'recommends the same level on every try for a noisy server of %i slots',
    async (slots, expected) => {
      const picks = new Set<number>();
      for (let seed = 1; seed <= 10; seed++) {
        const rand = mulberry32(seed);
        let clock = 0;
        let burst = 0;
        const r = await probeConcurrency(
          async () => {
            burst++;
            await tick();
          },
          [1, 4, 16, 64],
          () => {
            // A burst of n takes ceil(n / slots) rounds of 10 ms, each burst 0.7–1.4× as long
            // as that (a busy machine, other clients).
            const n = burst;
            burst = 0;
            if (n > 0) clock += Math.ceil(n / slots) * 10 * (0.8 + 0.45 * rand());
            return clock;
          },
        );
        picks.add(r.recommended);
      }
      expect([...picks]).toEqual([expected]);
    },
  );

  it('stops at the first failing level', async () => {
    let calls = 0;
    const r = await probeConcurrency(async () => {
      // Three bursts of 1 and three of 4 succeed; the first burst of 16 fails.
      if (++calls > 3 * 1 + 3 * 4) throw new Error('429');
    });
    expect(r.levels.map((l) => l.concurrency)).toEqual([1, 4]);
  });
});

/** A simulated clock for AdaptiveLimit, moved by `simulate`. */
function simClock() {
  const c = { ms: 0, now: () => c.ms };
  return c;
}

/**
 * The pool at full occupancy against a simulated server: each round trip (200 ms on `clock`)
 * sends `limit.limit` requests and their outcomes arrive in order, spread over it. Returns the
 * limit after each round trip.
 */
function simulate(
  l: AdaptiveLimit,
  clock: { ms: number },
  roundTrips: number,
  refused: (request: number, inFlight: number) => boolean,
): number[] {
  const limits: number[] = [];
  let request = 0;
  for (let r = 0; r < roundTrips; r++) {
    const n = l.limit;
    for (let k = 0; k < n; k++) {
      clock.ms += 200 / n;
      if (refused(request++, k)) l.overload(null);
      else l.success();
    }
    limits.push(l.limit);
  }
  return limits;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('AdaptiveLimit', () => {
  it('halves once per round trip mostly refused, not per refusal; waits out Retry-After; grows back by half after two calm round trips', () => {
    const clock = 0;
    const l = new AdaptiveLimit(32, { now: () => clock });
    // A burst: 20 refusals in the first round trip of 32 outcomes is one signal.
    for (let i = 0; i < 20; i++) l.overload(null);
    expect(l.limit).toBe(32);
    for (let i = 0; i < 12; i++) l.success();
    expect(l.limit).toBe(16);
    expect(l.cuts).toBe(1);
    expect(l.overloads).toBe(20);
    // The 32 requests in flight at that cut answer next: refused or not, they do not cut again.
    for (let i = 0; i < 32; i++) l.overload(null);
    expect(l.limit).toBe(16);
    // A Retry-After pauses new starts at once.
    l.overload(2_000);
    expect(l.pausedUntil).toBe(2_000);
    for (let i = 0; i < 15; i++) l.overload(null);
    expect(l.limit).toBe(8);
    expect(l.cuts).toBe(2);
    // 16 stale outcomes, then two calm round trips of 8: 8 → 12; two of 12: → 18.
    for (let i = 0; i < 16 + 16; i++) l.success();
    expect(l.limit).toBe(12);
    for (let i = 0; i < 24; i++) l.success();
    expect(l.limit).toBe(18);
    // Never below min, never above max.
    const sim = { ms: 0 };
    simulate(l, sim, 40, () => true);
    expect(l.limit).toBe(1);
    simulate(l, sim, 40, () => false);
    expect(l.limit).toBe(32);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'random 503s on one request in ten do not collapse it (seed %i)',
    (seed) => {
      const rand = mulberry32(seed);
      const clock = simClock();
      const l = new AdaptiveLimit(32, { now: clock.now });
      const limits = simulate(l, clock, 200, () => rand() < 0.1);
      // Cutting on every refusal (AIMD per burst) sat at 1–2 here.
      expect(median(limits)).toBeGreaterThanOrEqual(16);
      expect(Math.min(...limits.slice(50))).toBeGreaterThanOrEqual(4);
    },
  );

  it('settles around the capacity of a server that refuses what it cannot hold', () => {
    const capacity = 8;
    const clock = simClock();
    const l = new AdaptiveLimit(64, { now: clock.now });
    // The k-th request in flight beyond the capacity is refused.
    const limits = simulate(l, clock, 200, (_i, inFlight) => inFlight >= capacity);
    const late = limits.slice(20);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(capacity / 2);
    expect(Math.max(...late)).toBeLessThanOrEqual(capacity * 2);
    expect(l.cuts).toBeGreaterThanOrEqual(3);
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
          // The server said 429, Retry-After 40 ms, to a whole round trip of requests (the
          // pool's caller reports outcomes; here only these refusals).
          for (let i = 0; i < 8; i++) l.overload(40);
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
