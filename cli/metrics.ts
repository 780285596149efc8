// The end-of-run metrics, computed by the judge core from the stored judgments, and their table.
import {
  majorityVerdict,
  pairwiseMetrics,
  summarizeScores,
  withInterval,
  type PairRecord,
  type PairwiseMetrics,
  type Template,
  type Verdict,
} from '../src/lib/judge';
import type { Interval } from '../src/lib/judge';
import type { ItemRecord, JudgmentRecord } from '../src/lib/store/schema';

export interface CliMetrics {
  items: number;
  judged: number;
  pairwise: PairwiseMetrics | null;
  /** Mean accuracy over orders with a seeded 95% bootstrap interval (labelled items only). */
  accuracy: Interval | null;
  parseFailures: number;
  judgments: number;
  meanScore: number | null;
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
  const all = [...results.values()].flat();
  const parseFailures = all.filter((r) => r.parse === 'failed').length;
  const base = {
    items: items.length,
    judged: results.size,
    parseFailures,
    judgments: all.length,
  };
  if (template.kind === 'single') {
    return {
      ...base,
      pairwise: null,
      accuracy: null,
      meanScore: summarizeScores(all.map((r) => r.score))?.mean ?? null,
    };
  }
  const records = pairRecords(items, results, bothOrders);
  const pw = pairwiseMetrics(records);
  const labelled = records.filter((r) => r.label !== null);
  // Accuracy over no readable verdict is unknown, not 0%: a failure is never a verdict.
  const anyParsed = labelled.some((r) => r.verdictAB !== null || (r.verdictBA ?? null) !== null);
  return {
    ...base,
    pairwise: pw,
    accuracy: anyParsed
      ? withInterval(labelled, (rs) => pairwiseMetrics(rs).accuracyMean, { seed: 1 })
      : null,
    meanScore: null,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');

export function metricsTable(m: CliMetrics, template: Template): string {
  const rows: [string, string][] = [
    ['protocol', `${template.id} v${template.version}`],
    ['items judged', `${m.judged} of ${m.items}`],
    ['judgments', String(m.judgments)],
  ];
  if (m.pairwise) {
    const p = m.pairwise;
    rows.push(['labelled items', String(p.labelled)]);
    // Labelled items but not one readable verdict among them: no accuracy to show.
    const unknown = p.labelled > 0 && !m.accuracy;
    if (m.accuracy)
      rows.push([
        'accuracy (mean of orders)',
        `${pct(m.accuracy.estimate)}  [95% CI ${pct(m.accuracy.lower)}–${pct(m.accuracy.upper)}]`,
      ]);
    else if (unknown) rows.push(['accuracy (mean of orders)', '— (no readable verdict)']);
    rows.push(['consistent accuracy', unknown ? '—' : pct(p.consistentAccuracy)]);
    rows.push(['consistency (same verdict both orders)', pct(p.positionalAgreement)]);
    rows.push(['flip rate', pct(p.flipRate)]);
    rows.push(['tie rate', pct(p.tieRate)]);
    rows.push(['first-position preference', pct(p.firstPositionPreference)]);
  } else {
    rows.push(['mean score', m.meanScore === null ? '–' : m.meanScore.toFixed(2)]);
  }
  rows.push([
    'parse failures',
    `${m.parseFailures} (${pct(m.judgments ? m.parseFailures / m.judgments : NaN)})`,
  ]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return `\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}
