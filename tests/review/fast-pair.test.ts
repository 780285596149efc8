// fastPair must give exactly what aggregateJudgments gives for every item shape it accepts.
import { describe, expect, it } from 'vitest';
import { aggregateJudgments } from '../../src/lib/judge/aggregate';
import { fastPair } from '../../src/lib/review/rows';
import type { JudgmentFacts, StoredVerdict } from '../../src/lib/store/schema';

const fact = (
  order: 'AB' | 'BA',
  verdict: StoredVerdict,
  probabilities: JudgmentFacts['probabilities'] = null,
): JudgmentFacts => ({
  id: `${order}-${String(verdict)}`,
  runId: 'r',
  itemId: 'i',
  protocol: 'pairwise',
  order,
  sample: 0,
  verdict,
  parse: verdict === null ? 'failed' : 'ok',
  usage: { promptTokens: 1, completionTokens: 1, totalMs: 1 },
  createdAt: 0,
  score: null,
  probabilities,
});

const V: StoredVerdict[] = ['A', 'B', 'tie', null];
const P = [null, { A: 0.7, B: 0.3 }, { A: 0.1, B: 0.3, tie: 0.6 }, { A: 0.35, B: 0.65 }];

describe('fastPair', () => {
  it('equals aggregateJudgments for every one- and two-order item', () => {
    const cases: JudgmentFacts[][] = [[]];
    for (const a of V)
      for (const pa of P) {
        cases.push([fact('AB', a, pa)], [fact('BA', a, pa)]);
        for (const b of V) for (const pb of P) cases.push([fact('AB', a, pa), fact('BA', b, pb)]);
      }
    expect(cases.length).toBeGreaterThan(250);
    for (const js of cases) {
      const slow = aggregateJudgments(
        true,
        js.map((j) => ({ ...j, probabilities: j.probabilities ?? null, score: j.score })),
      );
      expect(fastPair(js), JSON.stringify(js.map((j) => [j.order, j.verdict]))).toEqual(slow);
    }
  });

  it('declines two samples of one order (majority voting is the core’s)', () => {
    expect(fastPair([fact('AB', 'A'), fact('AB', 'B')])).toBeNull();
    expect(fastPair([fact('AB', 'A'), fact('BA', 'A'), fact('BA', 'B')])).toBeNull();
  });
});
