// The end-of-run metrics: the run summary the app shows too (data/run-summary.ts), per-order metrics, and their table.
import {
  bootstrap,
  majorityVerdict,
  pairOutcome,
  pairwiseMetrics,
  type PairRecord,
  type PairwiseMetrics,
  type Template,
  type Verdict,
} from '../src/lib/judge';
import type { Interval } from '../src/lib/judge';
import type { ItemRecord, JudgmentRecord } from '../src/lib/store/schema';
import { summarizeRun, type RunSummary } from '../src/lib/data/run-summary';

export interface CliMetrics {
  /** The run's summary, the same shape and numbers as the app's (stored on the run). */
  summary: RunSummary;
  /** Per-order metrics (pairwise runs). */
  pairwise: PairwiseMetrics | null;
  /** Agreement with labels over parsed verdicts (summary.labels.accuracy) with a seeded 95% bootstrap interval. */
  agreement: Interval | null;
}

/** One PairRecord per judged item: the majority verdict of each order against the label. */
export function pairRecords(
  items: readonly ItemRecord[],
  results: ReadonlyMap<string, JudgmentRecord[]>,
  bothOrders: boolean,
): PairRecord[] {
  const out: PairRecord[] = [];
  for (const item of items) {
    const rs = results.get(item.id);
    if (!rs || rs.length === 0) continue;
    const ab = rs.filter((r) => r.order === 'AB').map((r) => r.verdict);
    const ba = rs.filter((r) => r.order === 'BA').map((r) => r.verdict);
    const label: Verdict | null =
      item.label === 'A' || item.label === 'B' || item.label === 'tie' ? item.label : null;
    const rec: PairRecord = {
      label,
      verdictAB: majorityVerdict(ab).verdict,
      lenA: item.responseA.length,
      lenB: item.responseB?.length ?? 0,
    };
    if (bothOrders && ba.length > 0) rec.verdictBA = majorityVerdict(ba).verdict;
    if (item.modelA) rec.modelA = item.modelA;
    if (item.modelB) rec.modelB = item.modelB;
    out.push(rec);
  }
  return out;
}

export function metricsOf(
  template: Template,
  items: readonly ItemRecord[],
  results: ReadonlyMap<string, JudgmentRecord[]>,
  bothOrders: boolean,
): CliMetrics {
  const pairwise = template.kind !== 'single';
  const summary = summarizeRun(pairwise, items, results);
  if (!pairwise) return { summary, pairwise: null, agreement: null };
  // The items the summary's accuracy is over: labelled, with a verdict; 1 when it agrees.
  const hits = items.flatMap((item) => {
    const rs = results.get(item.id);
    const correct = rs?.length ? pairOutcome(rs, item.label, true).correct : null;
    return correct === null ? [] : [correct ? 1 : 0];
  });
  return {
    summary,
    pairwise: pairwiseMetrics(pairRecords(items, results, bothOrders)),
    agreement:
      hits.length > 0
        ? bootstrap(hits, (xs) => xs.reduce((a, b) => a + b, 0) / xs.length, { seed: 1 })
        : null,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');

/** "60.0% (3 of 5)", or "–" when there is nothing to divide by. */
const share = (x: number | null, n: number, of: number) =>
  x === null ? '–' : `${pct(x)} (${n} of ${of})`;

export function metricsTable(m: CliMetrics, template: Template): string {
  const s = m.summary;
  const rows: [string, string][] = [
    ['protocol', `${template.id} v${template.version}`],
    ['items judged', `${s.judgedItems} of ${s.items}`],
    ['judgments', String(s.judgments)],
  ];
  if (m.pairwise) {
    const p = m.pairwise;
    const l = s.labels;
    rows.push(['labelled items', String(l.labelled)]);
    // Labelled items but not one readable verdict among them: no accuracy to show.
    const unknown = l.labelled > 0 && l.parsed === 0;
    if (l.labelled > 0) {
      // The app's headline, by the same definition: over items with a verdict, failures beside it.
      const ci = m.agreement
        ? `  [95% CI ${pct(m.agreement.lower)}–${pct(m.agreement.upper)}]`
        : '';
      rows.push([
        'agreement with labels (parsed verdicts)',
        `${share(l.accuracy, l.agree, l.parsed)}${ci}; ${l.failed} without a verdict`,
      ]);
      rows.push([
        'strict agreement (no verdict = wrong)',
        share(l.strictAccuracy, l.agree, l.labelled),
      ]);
      rows.push([
        'accuracy (mean of orders)',
        unknown ? '— (no readable verdict)' : pct(p.accuracyMean),
      ]);
    }
    rows.push(['consistent accuracy', unknown ? '—' : pct(p.consistentAccuracy)]);
    rows.push(['consistency (same verdict both orders)', pct(p.positionalAgreement)]);
    rows.push(['flip rate', pct(p.flipRate)]);
    rows.push(['tie rate', pct(p.tieRate)]);
    rows.push(['first-position preference', pct(p.firstPositionPreference)]);
  } else {
    rows.push(['mean score', s.meanScore === null ? '–' : s.meanScore.toFixed(2)]);
  }
  rows.push([
    'parse failures',
    `${s.parseFailures} (${pct(s.judgments ? s.parseFailures / s.judgments : NaN)})`,
  ]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return `\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}
