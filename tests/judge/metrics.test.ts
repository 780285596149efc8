// Metrics: PandaLM acceptance numbers, and kappa, tau-b, Bradley-Terry against hand computations.
import { describe, expect, it } from 'vitest';
import {
  bootstrap,
  bradleyTerry,
  classification,
  cohenKappa,
  kendallTauB,
  longerAnswerWinRate,
  mulberry32,
  pairwiseMetrics,
  pearson,
  scoreAgreement,
  spearman,
  winRates,
  type PairRecord,
  type Verdict,
} from '../../src/lib/judge';
import { readJsonl, type RecordedJudgeRow } from './data';

const rows = readJsonl<RecordedJudgeRow>('pandalm-test/recorded_judges.jsonl');
const GPT35: Record<string, Verdict | null> = { '1': 'A', '2': 'B', Tie: 'tie', garbage: null };
const PANDALM: Record<number, Verdict> = { 1: 'A', 2: 'B', 0: 'tie' };

describe('PandaLM test set (recorded judges against human labels)', () => {
  const cases = [
    ['GPT-3.5', (r: RecordedJudgeRow) => GPT35[r.gpt35.result] ?? null, 0.6977, 0.527],
    ['PandaLM-7B', (r: RecordedJudgeRow) => PANDALM[r.pandalm7b.result] ?? null, 0.6677, 0.574],
  ] as const;
  it.each(cases)('%s: accuracy and macro-F1', (_name, verdict, accuracy, macroF1) => {
    expect(rows).toHaveLength(999);
    const records: PairRecord[] = rows.map((r) => ({ label: r.label, verdictAB: verdict(r) }));
    const m = pairwiseMetrics(records);
    expect(m.accuracyAB).toBeCloseTo(accuracy, 4);
    const c = classification(
      records.map((r) => r.verdictAB),
      rows.map((r) => r.label),
    );
    expect(c.accuracy).toBeCloseTo(accuracy, 4);
    expect(c.macroF1).toBeCloseTo(macroF1, 3);
  });

  it("counts GPT-3.5's 25 'garbage' answers as parse failures, not ties", () => {
    const records: PairRecord[] = rows.map((r) => ({
      label: r.label,
      verdictAB: GPT35[r.gpt35.result] ?? null,
    }));
    const m = pairwiseMetrics(records);
    expect(m.parseFailureRate).toBeCloseTo(25 / 999, 10);
    expect(m.tieRate).toBeCloseTo(38 / 999, 10);
  });
});

describe('pairwise metrics on a small table', () => {
  // label, AB, BA(mapped): 1 right both; 2 flip; 3 wrong both; 4 tie label, AB tie, BA failed.
  const records: PairRecord[] = [
    { label: 'A', verdictAB: 'A', verdictBA: 'A', modelA: 'x', modelB: 'y', lenA: 10, lenB: 5 },
    { label: 'B', verdictAB: 'A', verdictBA: 'B', modelA: 'x', modelB: 'y', lenA: 10, lenB: 5 },
    { label: 'A', verdictAB: 'B', verdictBA: 'B', modelA: 'x', modelB: 'y', lenA: 10, lenB: 20 },
    { label: 'tie', verdictAB: 'tie', verdictBA: null, modelA: 'y', modelB: 'x' },
  ];
  const m = pairwiseMetrics(records);
  it.each([
    ['accuracyAB', m.accuracyAB, 2 / 4],
    ['accuracyBA', m.accuracyBA, 2 / 4],
    ['accuracyMean', m.accuracyMean, 2 / 4],
    ['consistentAccuracy', m.consistentAccuracy, 1 / 4],
    ['positionalAgreement', m.positionalAgreement, 2 / 4],
    ['flipRate', m.flipRate, 1 / 4],
    ['tieRate', m.tieRate, 1 / 8],
    ['parseFailureRate', m.parseFailureRate, 1 / 8],
    // Decisive shown verdicts: AB A,A,B (first = A: 2) and BA A,B,B (first = B: 2) → 4/6.
    ['firstPositionPreference', m.firstPositionPreference, 4 / 6],
    // Finals: A, tie (flip), B, tie (partial) → right on items 1 and 4.
    ['threeWayAgreement', m.threeWayAgreement, 2 / 4],
    // Decisive finals on unequal lengths: item 1 (A longer, A won), item 3 (B longer, B won).
    ['longerAnswerWinRate', longerAnswerWinRate(records), 1],
  ])('%s', (_name, got, want) => {
    expect(got).toBeCloseTo(want, 10);
  });

  it('win rates count a flip as a tie', () => {
    const x = winRates(records).find((r) => r.model === 'x');
    // x: win (item 1), tie (flip), loss (item 3), tie (item 4 as modelB) → (1 + 1)/4.
    expect(x).toMatchObject({ wins: 1, losses: 1, ties: 2, games: 4, winRate: 0.5 });
  });
});

describe('hand-computed statistics', () => {
  it("Cohen's kappa", () => {
    // 10 items: both A 4, (A,B) 1, (B,A) 2, both B 3. po = 0.7.
    // pa(A) = 0.5, pb(A) = 0.6; pa(B) = 0.5, pb(B) = 0.4 → pe = 0.30 + 0.20 = 0.5.
    // kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    const a = [...'AAAAABBBBB'];
    const b = [...'AAAABAABBB'];
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 12);
    expect(cohenKappa(a, a)).toBe(1);
  });

  it('Kendall tau-b without and with ties', () => {
    // x=1..4, y=1,3,2,4: 5 concordant, 1 discordant → (5-1)/6.
    expect(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
    // x=1,1,2,3 y=1,2,2,3: C=4, D=0, one tie only in x, one only in y → 4/sqrt(5·5) = 0.8.
    expect(kendallTauB([1, 1, 2, 3], [1, 2, 2, 3])).toBeCloseTo(0.8, 12);
  });

  it('Pearson and Spearman', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    // Monotone but not linear: Spearman 1, Pearson below 1.
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 100])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [1, 4, 9, 100])).toBeLessThan(0.9);
    const s = scoreAgreement([3, 4, null, 5], [2, 4, 1, 5]);
    expect(s.n).toBe(3);
    expect(s.mae).toBeCloseTo(1 / 3, 12);
  });

  it('Bradley-Terry, two models', () => {
    // A beats B 2 of 3: MLE p_A/p_B = 2 → rating gap 400·log10(2) ≈ 120.41.
    const r = bradleyTerry([
      { modelA: 'A', modelB: 'B', scoreA: 1 },
      { modelA: 'B', modelB: 'A', scoreA: 0 },
      { modelA: 'A', modelB: 'B', scoreA: 0 },
    ]);
    expect((r.get('A') ?? 0) - (r.get('B') ?? 0)).toBeCloseTo(400 * Math.log10(2), 6);
  });

  it('Bradley-Terry, a chain of three', () => {
    // A beats B 2-1 and B beats C 2-1, A and C never meet. The likelihood factorises per pair,
    // so p_A/p_B = 2 and p_B/p_C = 2: gaps of 120.41 each, A to C 240.82.
    const r = bradleyTerry([
      { modelA: 'A', modelB: 'B', scoreA: 1 },
      { modelA: 'A', modelB: 'B', scoreA: 1 },
      { modelA: 'A', modelB: 'B', scoreA: 0 },
      { modelA: 'B', modelB: 'C', scoreA: 1 },
      { modelA: 'B', modelB: 'C', scoreA: 1 },
      { modelA: 'B', modelB: 'C', scoreA: 0 },
    ]);
    expect((r.get('A') ?? 0) - (r.get('C') ?? 0)).toBeCloseTo(800 * Math.log10(2), 4);
  });

  it('seeded bootstrap is reproducible and brackets the estimate', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const mean = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;
    const a = bootstrap(xs, mean, { seed: 7, iterations: 500 });
    const b = bootstrap(xs, mean, { seed: 7, iterations: 500 });
    expect(a).toEqual(b);
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
    expect(a.upper - a.lower).toBeLessThan(0.2);
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });
});
