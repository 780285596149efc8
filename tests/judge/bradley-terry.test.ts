// Bradley-Terry against Arena-Hard's method computed independently (numpy), by hand, and the percentile rule against numpy.
import { describe, expect, it } from 'vitest';
import {
  ARENA_HARD_WEIGHT,
  bradleyTerry,
  bradleyTerryWithIntervals,
  comparabilityOf,
  quantile,
  toMatches,
  type Match,
  type PairRecord,
} from '../../src/lib/judge';

/** (a, b, wins of a, ties, losses of a), expanded wins first, then ties, then losses. */
type Spec = [string, string, number, number, number][];
const expand = (spec: Spec): Match[] =>
  spec.flatMap(([a, b, w, t, l]) => [
    ...Array.from({ length: w }, () => ({ modelA: a, modelB: b, scoreA: 1 })),
    ...Array.from({ length: t }, () => ({ modelA: a, modelB: b, scoreA: 0.5 })),
    ...Array.from({ length: l }, () => ({ modelA: a, modelB: b, scoreA: 0 })),
  ]);

// Frozen output of `python3 tests/support/bradley_terry_reference.py` (numpy IRLS of Arena-Hard's
// compute_mle_elo design, mulberry32 resamples, np.percentile); same scenarios as the script.
const REF = {
  four: {
    spec: [
      ['a', 'b', 14, 4, 8],
      ['a', 'c', 16, 3, 5],
      ['a', 'd', 18, 2, 3],
      ['b', 'c', 12, 5, 9],
      ['b', 'd', 15, 3, 6],
      ['c', 'd', 11, 6, 9],
    ] as Spec,
    prior: 0,
    estimate: {
      a: 1127.058430566067,
      b: 1023.2054788404286,
      c: 953.4364216347485,
      d: 896.2996689587558,
    },
    ci95: {
      a: [1070.6875468523815, 1188.2017460108934],
      b: [962.0466104779426, 1072.237629286377],
      c: [884.6712675743356, 1012.4013279030378],
      d: [835.7926364120557, 953.6520208231223],
    },
    ci90: {
      a: [1074.7848066999377, 1180.7347578413053],
      b: [968.2704820780544, 1069.6213016203535],
      c: [905.5149358772318, 996.2463854840133],
      d: [840.5560224781244, 940.2841117885182],
    },
  },
  unbeaten: {
    spec: [
      ['top', 'mid', 3, 0, 0],
      ['top', 'low', 3, 0, 0],
      ['mid', 'low', 2, 0, 1],
    ] as Spec,
    prior: 1,
    estimate: { top: 1317.490291245898, mid: 888.2136224542531, low: 794.2960862998489 },
    ci95: {
      top: [1246.2155934877405, 1386.2156946273717],
      mid: [669.2130182414819, 1038.1069619726009],
      low: [621.1256346921301, 962.2969363352455],
    },
    ci90: {
      top: [1261.728119005924, 1382.0148386462392],
      mid: [709.2332965716653, 1028.881387400693],
      low: [629.9626921126476, 943.084653559392],
    },
  },
  disconnected: {
    spec: [
      ['a', 'b', 2, 0, 1],
      ['c', 'd', 1, 1, 1],
    ] as Spec,
    prior: 1,
    estimate: { a: 1050.891721506773, b: 949.1082784932271, c: 1000.0, d: 1000.0 },
    ci95: {
      a: [824.1974048930864, 1223.4958134672133],
      b: [776.5041865327867, 1175.8025951069135],
      c: [796.6328338766898, 1203.3671661233102],
      d: [796.6328338766897, 1203.3671661233102],
    },
    ci90: {
      a: [868.6159108877857, 1223.4958134672133],
      b: [776.5041865327867, 1131.3840891122143],
      c: [838.9448620308691, 1175.8025951069135],
      d: [824.1974048930864, 1161.0551379691308],
    },
  },
};

describe('Bradley-Terry as Arena-Hard fits it', () => {
  it.each(Object.keys(REF) as (keyof typeof REF)[])(
    '%s: estimates and 95 and 90 percent intervals equal the numpy reference',
    (name) => {
      const ref = REF[name];
      const matches = expand(ref.spec);
      for (const [alpha, ci] of [
        [0.05, ref.ci95],
        [0.1, ref.ci90],
      ] as const) {
        const r = bradleyTerryWithIntervals(matches, { iterations: 200, seed: 1, alpha });
        expect(r.prior).toBe(ref.prior);
        for (const [m, est] of Object.entries(ref.estimate)) {
          const iv = r.ratings.get(m)!;
          expect(iv.estimate).toBeCloseTo(est, 6);
          const [lo, hi] = (ci as Record<string, number[]>)[m]!;
          expect(iv.lower).toBeCloseTo(lo!, 6);
          expect(iv.upper).toBeCloseTo(hi!, 6);
        }
      }
    },
  );

  it('two models: the gap is 400·log10(wins / losses), in closed form', () => {
    // A scores 4.5 of 6 (4 wins, 1 tie, 1 loss): odds 3, gap 400·log10 3 ≈ 190.85.
    const r = bradleyTerry(expand([['A', 'B', 4, 1, 1]]));
    expect(r.get('A')! - r.get('B')!).toBeCloseTo(400 * Math.log10(3), 8);
    expect((r.get('A')! + r.get('B')!) / 2).toBeCloseTo(1000, 8);
  });

  it('an unbeaten model does not shrink the others: without the prior mid–low is the MLE 400·log10 2', () => {
    // top won all its games; the likelihood of mid against low factorises, so their plain gap is
    // the 2–1 gap, 120.41, whatever top's (infinite) rating. The old pseudo-ties gave 66.3.
    const ms = expand(REF.unbeaten.spec);
    const plain = bradleyTerry(ms.filter((m) => m.modelA !== 'top'));
    expect(plain.get('mid')! - plain.get('low')!).toBeCloseTo(400 * Math.log10(2), 8);
    const c = comparabilityOf(ms);
    expect(c.mleExists).toBe(false);
    expect(c.unbeaten).toEqual([['top']]);
    // mid and low took no point off top: as a set they are winless against it.
    expect(c.winless).toEqual([['mid', 'low']]);
    expect(c.groups).toEqual([['top', 'mid', 'low']]);
  });

  it('a winless model and two groups that never met are reported', () => {
    const c = comparabilityOf(
      expand([
        ['a', 'b', 2, 0, 0],
        ['c', 'd', 1, 1, 1],
      ]),
    );
    expect(c.mleExists).toBe(false);
    expect(c.winless).toEqual([['b']]);
    expect(c.unbeaten).toEqual([['a']]);
    expect(c.groups).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    // A set of models that lost only among themselves is unbeaten as a set.
    const ring = comparabilityOf(
      expand([
        ['x', 'y', 1, 0, 1],
        ['x', 'z', 1, 0, 0],
        ['y', 'z', 1, 0, 0],
      ]),
    );
    expect(ring.unbeaten).toEqual([['x', 'y']]);
    expect(ring.winless).toEqual([['z']]);
  });

  it('the same prior in every resample: on for all fits when one resample has no MLE', () => {
    // A beats B 2 of 3: a resample can hold three wins (no MLE), so every fit takes the prior,
    // and the estimate is the prior's: maximise 2·log σ(d) + log σ(−d) + ½Σ log σ(±θ) by hand.
    const r = bradleyTerryWithIntervals(expand([['A', 'B', 2, 0, 1]]), { iterations: 50, seed: 1 });
    expect(r.resamplesWithoutMle).toBeGreaterThan(0);
    expect(r.prior).toBe(1);
    // With θ_B = −θ_A = −t: d/dt [2 log σ(2t) + log σ(−2t) + log σ(t) + log σ(−t)] = 0
    // ⇔ 2(2(1−σ(2t)) − σ(2t)) + (1 − 2σ(t)) = 0; solved by bisection here, an independent route.
    const g = (t: number) => {
      const s2 = 1 / (1 + Math.exp(-2 * t));
      const s1 = 1 / (1 + Math.exp(-t));
      return 2 * (2 * (1 - s2) - s2) + (1 - 2 * s1);
    };
    let lo = 0;
    let hi = 5;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (g(mid) > 0) lo = mid;
      else hi = mid;
    }
    const gap = r.ratings.get('A')!.estimate - r.ratings.get('B')!.estimate;
    expect(gap).toBeCloseTo((2 * lo * 400) / Math.LN10, 6);
  });
});

describe("Arena-Hard's weighting", () => {
  const rec = (p: Partial<PairRecord>): PairRecord => ({
    label: null,
    verdictAB: null,
    modelA: 'A',
    modelB: 'B',
    ...p,
  });
  const records = [
    // A>>B in the first order, A>B in the second: 3 + 1 wins for A.
    rec({ verdictAB: 'A', strengthAB: 2, verdictBA: 'A', strengthBA: 1 }),
    // B>A, then a tie: 1 win for B, one tie.
    rec({ verdictAB: 'B', strengthAB: 1, verdictBA: 'tie' }),
    // A strong tie is still one tie; an unparsed order is no game.
    rec({ verdictAB: 'tie', strengthAB: 2, verdictBA: null }),
  ];

  it('counts each order as a game and a strong verdict three times', () => {
    expect(ARENA_HARD_WEIGHT).toBe(3);
    const ms = toMatches(records, 'arena-hard');
    expect(ms.map((m) => m.scoreA).sort()).toEqual([0, 0.5, 0.5, 1, 1, 1, 1]);
    // A scores 5 of 7: odds 5/2.
    const r = bradleyTerry(ms);
    expect(r.get('A')! - r.get('B')!).toBeCloseTo(400 * Math.log10(5 / 2), 8);
  });

  it('plain counts one game per item from the final verdict (a flip is a tie)', () => {
    // A, then B-vs-tie (a flip: tie), then tie-vs-unparsed (tie): A scores 2 of 3.
    const ms = toMatches(records, 'plain');
    expect(ms.map((m) => m.scoreA)).toEqual([1, 0.5, 0.5]);
  });
});

describe('one percentile rule', () => {
  it("quantile equals numpy's default np.percentile", () => {
    // Frozen from the same script: np.percentile([3,1,4,1,5,9,2,6], 100·q).
    const xs = [3, 1, 4, 1, 5, 9, 2, 6].sort((a, b) => a - b);
    const q = [0, 0.025, 0.1, 0.5, 0.9, 0.975, 1];
    const np = [1.0, 1.0, 1.0, 3.5, 6.8999999999999995, 8.475000000000001, 9.0];
    q.forEach((x, i) => expect(quantile(xs, x)).toBeCloseTo(np[i]!, 12));
    expect(quantile([], 0.5)).toBeNaN();
  });
});
