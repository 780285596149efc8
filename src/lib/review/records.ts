// Reads stored judgment records back into a verdict: per order, both orders combined, confidence.
import {
  aggregateJudgments,
  asVerdictSample,
  getTemplate,
  isPairwiseProtocol,
  majorityVerdict,
  summarizeScores,
  type ItemAggregate,
  type MajorityResult,
  type Order,
  type ScoreSummary,
} from '../judge';
import type { JudgmentRecord } from '../store';

export interface OrderView {
  order: Order;
  records: JudgmentRecord[];
  majority: MajorityResult;
  scores: ScoreSummary | null;
}

/** What the verdict card shows, computed by the judge core's aggregate for fresh and stored results alike. */
export interface PairVerdict extends ItemAggregate {
  orders: OrderView[];
  pairwise: boolean;
  /** Single-answer templates: the inclusive score range (a score reads "4/5", not "4"). */
  scoreRange?: [number, number];
}

/** Combine stored records (one run's judgments) into the verdict, as judgeItem does for live ones. */
export function fromRecords(records: JudgmentRecord[]): PairVerdict {
  const pairwise = records.some((r) => isPairwiseProtocol(r.protocol));
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
  const aggregate = aggregateJudgments(pairwise, records.map(asVerdictSample));
  const scoreRange = records[0] ? getTemplate(records[0].templateId)?.scoreRange : undefined;
  return { ...aggregate, orders, pairwise, ...(scoreRange ? { scoreRange } : {}) };
}
