// Agreement between members: Fleiss' and Cohen's kappa by hand and against a numpy reference, with bootstrap intervals.
import { describe, expect, it } from 'vitest';
import {
  cohenKappaTable,
  fleissKappa,
  panelAgreement,
  ratingOf,
} from '../../src/lib/judge/agreement';
import type { PairResultValue } from '../../src/lib/judge/outcome';
import { patternTable, resampleAll } from '../../src/lib/judge/resample';
import { bootstrap } from '../../src/lib/judge/stats';
import { panelResults } from '../support/panel-data';
import reference from './fixtures/panel-reference.json';

describe("Fleiss' kappa", () => {
  it("gives 0.210 on Fleiss' worked example (10 subjects, 14 raters, 5 categories)", () => {
    // Wikipedia, "Fleiss' kappa", worked example: P̄ = 0.378, P̄e = 0.213, κ = 0.210.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    // By hand: Σᵢ Σⱼ nᵢⱼ² = 196+60+70+94+74+98+58+46+66+66 = 828, so P̄ = (828 − 140) / (10 · 182) = 688/1820.
    // Column totals 20, 28, 39, 21, 32 of 140: P̄e = (400 + 784 + 1521 + 441 + 1024) / 19600 = 4170/19600.
    const pBar = 688 / 1820;
    const pe = 4170 / 19600;
    expect(fleissKappa(table)).toBeCloseTo((pBar - pe) / (1 - pe), 12);
    expect(fleissKappa(table)).toBeCloseTo(0.21, 3);
  });

  it('is 1 when every rater always agrees on one category, NaN without subjects', () => {
    expect(fleissKappa([[3, 0, 0]])).toBe(1);
    expect(fleissKappa([])).toBeNaN();
  });

  it('refuses subjects with different numbers of raters', () => {
    expect(() =>
      fleissKappa([
        [2, 1],
        [1, 1],
      ]),
    ).toThrow(/same raters/);
  });
});

describe("Cohen's kappa", () => {
  it('gives 0.4 on the textbook 2×2 table (20, 5 / 10, 15)', () => {
    // pₒ = 35/50 = 0.7; pₑ = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5 = 0.4.
    expect(
      cohenKappaTable([
        [20, 5],
        [10, 15],
      ]),
    ).toBeCloseTo(0.4, 12);
  });

  it('panelAgreement on two members reproduces that table', () => {
    const a: PairResultValue[] = [];
    const b: PairResultValue[] = [];
    const add = (x: PairResultValue, y: PairResultValue, k: number) => {
      for (let i = 0; i < k; i++) {
        a.push(x);
        b.push(y);
      }
    };
    add('A', 'A', 20);
    add('A', 'B', 5);
    add('B', 'A', 10);
    add('B', 'B', 15);
    const r = panelAgreement([a, b], { iterations: 0 });
    expect(r.pairwise[0]![1]!.kappa).toBeCloseTo(0.4, 12);
    expect(r.pairwise[1]![0]!.kappa).toBeCloseTo(0.4, 12);
    expect(r.pairwise[0]![0]).toBeNull();
    expect(r.pairwise[0]![1]!.n).toBe(50);
    // Two raters: Fleiss' kappa uses the pooled shares (55/100 A, 45/100 B): pₑ = 0.505, and P̄ is
    // the share of items they agree on, 0.7: κ = (0.7 − 0.505) / 0.495.
    expect(r.fleiss.kappa).toBeCloseTo(0.195 / 0.495, 12);
    expect(r.fleiss.n).toBe(50);
  });
});

describe('what agreement counts', () => {
  it('rates only verdicts: flips, failures, scores and missing are left out', () => {
    const cases: [PairResultValue | null | undefined, string | null][] = [
      ['A', 'A'],
      ['B', 'B'],
      ['tie', 'tie'],
      ['flipped', null],
      ['failed', null],
      [7, null],
      [null, null],
      [undefined, null],
    ];
    for (const [v, expected] of cases) expect(ratingOf(v)).toBe(expected);
  });

  it('counts an item for a pair only when both rated it, for Fleiss only when all did', () => {
    // Item 0 all agree; item 1: member 2 flipped; item 2: member 0 missing; item 3: members 0, 1
    // disagree, member 2 failed.
    const r = panelAgreement(
      [
        ['A', 'B', null, 'A'],
        ['A', 'B', 'B', 'B'],
        ['A', 'flipped', 'B', 'failed'],
      ],
      { iterations: 0 },
    );
    expect(r.pairwise[0]![1]!.n).toBe(3);
    expect(r.pairwise[0]![2]!.n).toBe(1);
    expect(r.pairwise[1]![2]!.n).toBe(2);
    expect(r.fleiss.n).toBe(1);
    // Members 0 and 1 over items 0, 1, 3: (A,A) (B,B) (A,B). pₒ = 2/3; marginals A 2/3, 1/3 and
    // B 1/3, 2/3: pₑ = 2/9 + 2/9 = 4/9; κ = (2/3 − 4/9) / (5/9) = 0.4.
    expect(r.pairwise[0]![1]!.kappa).toBeCloseTo(0.4, 12);
    // Members 1 and 2 over items 0, 2: (A,A) (B,B): perfect.
    expect(r.pairwise[1]![2]!.kappa).toBeCloseTo(1, 12);
  });
});

describe('a 40-item, 3-member panel against the numpy reference (tests/support/panel_reference.py)', () => {
  const results = panelResults();
  const codes = (rs: (PairResultValue | null)[]) =>
    rs
      .map((r) =>
        r === null ? '.' : r === 'flipped' ? 'f' : r === 'failed' ? 'x' : r === 'tie' ? 't' : r,
      )
      .join('');

  it("reads the members' results as the reference does", () => {
    expect(results.map(codes)).toEqual(reference.results);
  });

  it("gives every pair's Cohen kappa and Fleiss' kappa, with 95% intervals, as numpy does", () => {
    const r = panelAgreement(results, { iterations: 1000, seed: 1 });
    const f = reference.figures;
    const pairs = [
      [0, 1, f.kappa01, reference.counts.kappaN01],
      [0, 2, f.kappa02, reference.counts.kappaN02],
      [1, 2, f.kappa12, reference.counts.kappaN12],
    ] as const;
    for (const [a, b, ref, n] of pairs) {
      const [kappa, lower, upper] = ref[0]!;
      const est = r.pairwise[a]![b]!;
      expect(est.kappa).toBeCloseTo(kappa!, 10);
      expect(est.n).toBe(n);
      expect(est.interval!.lower).toBeCloseTo(lower!, 10);
      expect(est.interval!.upper).toBeCloseTo(upper!, 10);
    }
    const [kappa, lower, upper] = f.fleiss[0]!;
    expect(r.fleiss.kappa).toBeCloseTo(kappa!, 10);
    expect(r.fleiss.n).toBe(reference.counts.fleissN);
    expect(r.fleiss.interval!.lower).toBeCloseTo(lower!, 10);
    expect(r.fleiss.interval!.upper).toBeCloseTo(upper!, 10);
  });

  it('is seeded: the same seed gives the same intervals, another seed others', () => {
    const a = panelAgreement(results, { iterations: 200, seed: 5 });
    expect(panelAgreement(results, { iterations: 200, seed: 5 })).toEqual(a);
    expect(panelAgreement(results, { iterations: 200, seed: 6 }).fleiss.interval).not.toEqual(
      a.fleiss.interval,
    );
  });
});

describe('resampleAll: the grouped bootstrap draws what the core bootstrap draws', () => {
  it('gives the same interval as bootstrap() over the items for a ratio of sums', () => {
    const xs = Array.from({ length: 57 }, (_, i) => [
      (i * 7) % 3 === 0 ? 1 : 0,
      i % 4 === 0 ? 0 : 1,
    ]);
    const stat = (s: readonly number[]) => (s[1] === 0 ? NaN : s[0]! / s[1]!);
    const table = patternTable(xs.length, 2, (i, out) => {
      out[0] = xs[i]![0]!;
      out[1] = xs[i]![1]!;
    });
    expect(table.patterns.length).toBeLessThan(xs.length);
    const [grouped] = resampleAll(table, [(s) => stat([s[0]!, s[1]!])], {
      iterations: 300,
      seed: 3,
    });
    const direct = bootstrap(
      xs,
      (sample) => stat(sample.reduce((a, x) => [a[0]! + x[0]!, a[1]! + x[1]!], [0, 0])),
      { iterations: 300, seed: 3 },
    );
    expect(grouped!.estimate).toBeCloseTo(direct.estimate, 12);
    expect(grouped!.lower).toBeCloseTo(direct.lower, 12);
    expect(grouped!.upper).toBeCloseTo(direct.upper, 12);
  });
});
