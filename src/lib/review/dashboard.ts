// The run dashboard as data: metrics with intervals overall and per subset, bias, calibration, usage.
import { scoreAgreement, type ScoreAgreement } from '../judge/metrics';
import type { BootstrapOptions, Interval } from '../judge/stats';
import type { Verdict } from '../judge/types';
import type { ReviewRow } from './rows';
import {
  bootstrapAll,
  confusionOf,
  countTable,
  countsOf,
  pointMetrics,
  type CountTable,
  type MetricName,
  type Prediction,
} from './summary';

/** Defaults of the dashboard's intervals: the core's bootstrap defaults, so numbers match it. */
export const REVIEW_BOOTSTRAP: Required<BootstrapOptions> = {
  iterations: 1000,
  seed: 1,
  alpha: 0.05,
};

export interface GroupSummary {
  name: string;
  table: CountTable;
  counts: ReturnType<typeof countsOf>;
  metrics: Record<MetricName, number>;
  /** Filled by withIntervals. */
  intervals: Record<MetricName, Interval> | null;
}

export interface CalibrationBin {
  /** [from, to) of confidence. */
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

export interface LengthBin {
  label: string;
  /** log2(len A / len B) range of the bin. */
  from: number;
  to: number;
  /** Mean log2 ratio of its items. */
  x: number;
  n: number;
  /** Share of decisive final verdicts for A. */
  shareA: number;
}

export interface Usage {
  judgments: number;
  promptTokens: number;
  completionTokens: number;
  ms: number;
  meanMsPerJudgment: number;
  meanCompletionTokens: number;
}

export interface Dashboard {
  pairwise: boolean;
  overall: GroupSummary;
  /** Per subset/category, largest first; empty when items name none. */
  subsets: GroupSummary[];
  confusion: Record<Verdict, Record<Prediction, number>>;
  humanConfusion: Record<Verdict, Record<Prediction, number>>;
  /** null when no item has logprob confidence and a label. */
  calibration: { bins: CalibrationBin[]; ece: number; n: number } | null;
  length: LengthBin[];
  usage: Usage;
  /** Single-answer runs with numeric labels. */
  scores: ScoreAgreement | null;
}

function group(name: string, rows: readonly ReviewRow[]): GroupSummary {
  const table = countTable(rows);
  return { name, table, counts: countsOf(table), metrics: pointMetrics(table), intervals: null };
}

/** Reliability bins over labelled items that have a confidence (aggregateJudgments' `confidence`). */
export function calibration(rows: readonly ReviewRow[], bins = 10): Dashboard['calibration'] {
  const acc = Array.from({ length: bins }, () => ({ n: 0, conf: 0, hits: 0 }));
  let n = 0;
  for (const r of rows) {
    if (r.confidence === null || r.label === null || r.verdict === null) continue;
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(r.confidence * bins)))]!;
    b.n++;
    b.conf += r.confidence;
    b.hits += r.verdict === r.label ? 1 : 0;
    n++;
  }
  if (n === 0) return null;
  const out: CalibrationBin[] = [];
  let ece = 0;
  acc.forEach((b, i) => {
    if (b.n === 0) return;
    const meanConfidence = b.conf / b.n;
    const accuracy = b.hits / b.n;
    ece += (b.n / n) * Math.abs(accuracy - meanConfidence);
    out.push({ from: i / bins, to: (i + 1) / bins, n: b.n, meanConfidence, accuracy });
  });
  return { bins: out, ece, n };
}

const LENGTH_EDGES = [-Infinity, -2, -1, -0.5, -0.2, -0.05, 0.05, 0.2, 0.5, 1, 2, Infinity];

/** Decisive final verdicts by log2(length of A / length of B): how the verdict moves with length. */
export function lengthBins(rows: readonly ReviewRow[]): LengthBin[] {
  const bins = LENGTH_EDGES.slice(0, -1).map((from, i) => ({
    from,
    to: LENGTH_EDGES[i + 1]!,
    sum: 0,
    n: 0,
    a: 0,
  }));
  for (const r of rows) {
    if (r.verdict !== 'A' && r.verdict !== 'B') continue;
    if (r.lenA === undefined || r.lenB === undefined) continue;
    const x = Math.log2((r.lenA + 1) / (r.lenB + 1));
    const b = bins.find((b) => x >= b.from && x < b.to);
    if (!b) continue;
    b.n++;
    b.sum += x;
    if (r.verdict === 'A') b.a++;
  }
  const fmt = (v: number) => (Number.isFinite(v) ? `${v > 0 ? '+' : ''}${v}` : v > 0 ? '∞' : '−∞');
  return bins
    .filter((b) => b.n > 0)
    .map((b) => ({
      label: `${fmt(b.from)} … ${fmt(b.to)}`,
      from: b.from,
      to: b.to,
      x: b.sum / b.n,
      n: b.n,
      shareA: b.a / b.n,
    }));
}

export function usageOf(rows: readonly ReviewRow[]): Usage {
  let judgments = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let ms = 0;
  for (const r of rows) {
    judgments += r.judgmentCount;
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    ms += r.ms;
  }
  return {
    judgments,
    promptTokens,
    completionTokens,
    ms,
    meanMsPerJudgment: judgments === 0 ? NaN : ms / judgments,
    meanCompletionTokens: judgments === 0 ? NaN : completionTokens / judgments,
  };
}

/** Everything but the intervals (cheap: one pass per group). */
export function buildDashboard(rows: readonly ReviewRow[], pairwise = true): Dashboard {
  const overall = group('All items', rows);
  const bySubset = new Map<string, ReviewRow[]>();
  for (const r of rows) {
    if (r.subset === null) continue;
    const list = bySubset.get(r.subset);
    if (list) list.push(r);
    else bySubset.set(r.subset, [r]);
  }
  const subsets =
    bySubset.size < 2 && [...bySubset.values()].every((l) => l.length === rows.length)
      ? []
      : [...bySubset].map(([name, rs]) => group(name, rs)).sort((a, b) => b.table.n - a.table.n);
  let scores: ScoreAgreement | null = null;
  if (!pairwise) {
    const numeric = rows.filter((r) => typeof r.item?.label === 'number');
    if (numeric.length > 0)
      scores = scoreAgreement(
        numeric.map((r) => r.score),
        numeric.map((r) => r.item?.label as number),
      );
  }
  return {
    pairwise,
    overall,
    subsets,
    confusion: confusionOf(overall.table),
    humanConfusion: confusionOf(overall.table, 'human'),
    calibration: calibration(rows),
    length: lengthBins(rows),
    usage: usageOf(rows),
    scores,
  };
}

/** Adds bootstrap intervals to every group (each group resampled on its own, with the same seed). */
export function withIntervals(d: Dashboard, opts: BootstrapOptions = REVIEW_BOOTSTRAP): Dashboard {
  const fill = (g: GroupSummary): GroupSummary => ({
    ...g,
    intervals: bootstrapAll(g.table, opts),
  });
  return { ...d, overall: fill(d.overall), subsets: d.subsets.map(fill) };
}
