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
