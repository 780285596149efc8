// Reads stored judgment records back into a verdict: per order, both orders combined, confidence.
import {
  combineOrders,
  majorityVerdict,
  summarizeScores,
  type Consistency,
  type MajorityResult,
  type Order,
  type ScoreSummary,
  type Verdict,
} from '../judge';
import type { JudgmentRecord } from '../store';

export interface OrderView {
  order: Order;
  records: JudgmentRecord[];
  majority: MajorityResult;
  scores: ScoreSummary | null;
}

/** What the verdict card shows, computed the same way for a fresh result and a stored one. */
export interface PairVerdict {
  orders: OrderView[];
  verdict: Verdict | null;
  consistency: Consistency | null;
  /** Mean probability of the final verdict over the judgments that had logprobs. */
  confidence: number | null;
  preferenceA: number | null;
  scores: ScoreSummary | null;
  pairwise: boolean;
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Combine stored records (one run's judgments) into the verdict, as judgeItem does for live ones. */
export function fromRecords(records: JudgmentRecord[]): PairVerdict {
  const pairwise = records.some((r) => r.protocol === 'pairwise' || r.protocol === 'meta');
  const orders: OrderView[] = (['AB', 'BA'] as const)
    .map((order) => {
      const rs = records.filter((r) => r.order === order).sort((a, b) => a.sample - b.sample);
      return {
        order,
        records: rs,
        majority: majorityVerdict(rs.map((r) => r.verdict)),
        scores: summarizeScores(rs.map((r) => r.score)),
      };
    })
    .filter((o) => o.records.length > 0);
  if (!pairwise) {
    return {
      orders,
      verdict: null,
      consistency: null,
      confidence: null,
      preferenceA: null,
      scores: summarizeScores(records.map((r) => r.score)),
      pairwise,
    };
  }
  const ab = orders.find((o) => o.order === 'AB')?.majority.verdict;
  const ba = orders.find((o) => o.order === 'BA')?.majority.verdict;
  const combined = combineOrders(ab, ba);
  const probs = records.flatMap((r) => (r.probabilities ? [r.probabilities] : []));
  const final = combined.verdict;
  return {
    orders,
    verdict: final,
    consistency: combined.consistency,
    confidence: final === null ? null : mean(probs.map((p) => p[final] ?? 0)),
    preferenceA: mean(probs.map((p) => p.A + (p.tie ?? 0) / 2)),
    scores: null,
    pairwise,
  };
}
