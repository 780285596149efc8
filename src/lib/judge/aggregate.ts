// Aggregation: samples to a majority verdict or mean score; two orders to consistent or flipped.
import type { Verdict } from './types';

export type Consistency = 'consistent' | 'flipped' | 'partial' | 'one-order' | 'failed';

export interface MajorityResult {
  /** The most frequent parsed verdict; null when none parsed or the top count is shared. */
  verdict: Verdict | null;
  votes: Record<Verdict, number>;
  failed: number;
  /** The top count is shared by two verdicts. */
  split: boolean;
}

export function majorityVerdict(verdicts: (Verdict | null)[]): MajorityResult {
  const votes: Record<Verdict, number> = { A: 0, B: 0, tie: 0 };
  let failed = 0;
  for (const v of verdicts) {
    if (v === null) failed++;
    else votes[v]++;
  }
  const ranked = (Object.entries(votes) as [Verdict, number][]).sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (!top || top[1] === 0) return { verdict: null, votes, failed, split: false };
  const split = second !== undefined && second[1] === top[1];
  return { verdict: split ? null : top[0], votes, failed, split };
}

export interface ScoreSummary {
  mean: number;
  /** Population standard deviation over the samples: the spread of the judge's scores. */
  sd: number;
  min: number;
  max: number;
  n: number;
}

export function summarizeScores(scores: (number | null | undefined)[]): ScoreSummary | null {
  const xs = scores.filter((s): s is number => typeof s === 'number' && Number.isFinite(s));
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

export interface OrdersResult {
  /** Flipped items count as 'tie' here, as MT-Bench counts them in win rates. */
  verdict: Verdict | null;
  consistency: Consistency;
}

/**
 * Combine the verdicts of both orders, already mapped to the original positions. `undefined`
 * means the order was not run; `null` means it ran and did not parse (never read as a tie).
 */
export function combineOrders(
  ab: Verdict | null | undefined,
  ba: Verdict | null | undefined,
): OrdersResult {
  if (ab === undefined || ba === undefined) {
    const only = ab === undefined ? ba : ab;
    if (only === undefined || only === null) return { verdict: null, consistency: 'failed' };
    return { verdict: only, consistency: 'one-order' };
  }
  if (ab === null && ba === null) return { verdict: null, consistency: 'failed' };
  if (ab === null || ba === null) return { verdict: ab ?? ba, consistency: 'partial' };
  if (ab === ba) return { verdict: ab, consistency: 'consistent' };
  return { verdict: 'tie', consistency: 'flipped' };
}

/** One judgment as the item-level aggregate needs it; live judgments and stored records both map to it. */
export interface VerdictSample {
  order: 'AB' | 'BA';
  /** In the item's original positions. */
  verdict: Verdict | null;
  probabilities: { A: number; B: number; tie?: number } | null;
  score: number | null | undefined;
}

/** The item-level result of all its judgments. */
export interface ItemAggregate {
  /** Pairwise: flipped counts as 'tie' (see consistency). Single: null. */
  verdict: Verdict | null;
  consistency: Consistency | null;
  /** Mean probability of the final verdict over judgments with logprobs. */
  confidence: number | null;
  /** Mean P(A) + P(tie)/2 over judgments with logprobs. */
  preferenceA: number | null;
  /** Single-answer: mean score over all samples. */
  scores: ScoreSummary | null;
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Majority per order, then both orders combined (pairwise), or the score summary (single).
 * The one definition of an item's verdict, shared by judgeItem and by results read back from storage.
 */
export function aggregateJudgments(pairwise: boolean, samples: VerdictSample[]): ItemAggregate {
  if (!pairwise) {
    return {
      verdict: null,
      consistency: null,
      confidence: null,
      preferenceA: null,
      scores: summarizeScores(samples.map((s) => s.score)),
    };
  }
  const majorityOf = (order: 'AB' | 'BA') => {
    const mine = samples.filter((s) => s.order === order);
    return mine.length === 0 ? undefined : majorityVerdict(mine.map((s) => s.verdict)).verdict;
  };
  const combined = combineOrders(majorityOf('AB'), majorityOf('BA'));
  const probs = samples.flatMap((s) => (s.probabilities ? [s.probabilities] : []));
  const final = combined.verdict;
  return {
    verdict: final,
    consistency: combined.consistency,
    confidence: final === null ? null : mean(probs.map((p) => p[final] ?? 0)),
    preferenceA: mean(probs.map((p) => p.A + (p.tie ?? 0) / 2)),
    scores: null,
  };
}
