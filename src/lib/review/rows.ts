// One row per judged item of a run: the item, its labels and its verdict as aggregateJudgments defines it.
import { aggregateJudgments, majorityVerdict, type Consistency } from '../judge/aggregate';
import type { PairRecord } from '../judge/metrics';
import type { Verdict } from '../judge/types';
import type { ItemRecord, JudgmentRecord, LabelRecord, RunRecord } from '../store/schema';

/** A run's records as the review reads them (the store's shapes, nothing else). */
export interface ReviewInput {
  run?: RunRecord | undefined;
  judgments: readonly JudgmentRecord[];
  items: readonly (ItemRecord | undefined)[];
  labels: readonly LabelRecord[];
}

/** Which label counts as gold: the dataset's, or yours where you set one (an override). */
export type GoldSource = 'dataset' | 'mine';

/** One judged item. */
export interface ReviewRow {
  /** Position in the list (dataset order, then item id). */
  pos: number;
  itemId: string;
  item: ItemRecord | undefined;
  subset: string | null;
  /** The dataset's label, when it is a pairwise verdict. */
  datasetLabel: Verdict | null;
  /** Your label or note on the item (LabelStore), if any. */
  human: LabelRecord | undefined;
  humanLabel: Verdict | null;
  /** The label metrics use (see GoldSource). */
  label: Verdict | null;
  /** Majority verdict of each order; undefined = that order was not run, null = it did not parse. */
  verdictAB: Verdict | null | undefined;
  verdictBA: Verdict | null | undefined;
  /** aggregateJudgments' verdict: a flip counts as a tie. */
  verdict: Verdict | null;
  consistency: Consistency | null;
  confidence: number | null;
  preferenceA: number | null;
  /** Single-answer runs: mean score. */
  score: number | null;
  parseFailed: number;
  parseRepaired: number;
  lenA: number | undefined;
  lenB: number | undefined;
  promptTokens: number;
  completionTokens: number;
  ms: number;
  /** This item's judgments, AB first, by sample. */
  judgments: JudgmentRecord[];
}

const VERDICTS = new Set<unknown>(['A', 'B', 'tie']);

/** A pairwise verdict, or null for anything else (scores, missing). */
export function asVerdict(v: unknown): Verdict | null {
  return VERDICTS.has(v) ? (v as Verdict) : null;
}

/** The item's subset or category: `category`, else `meta.subset` (LLMBar), else `meta.category`. */
export function subsetOf(item: ItemRecord | undefined): string | null {
  if (!item) return null;
  if (item.category) return item.category;
  const s = item.meta['subset'] ?? item.meta['category'];
  return typeof s === 'string' && s !== '' ? s : null;
}

/** Whether a run's judgments are pairwise (or meta: two things compared) rather than single scores. */
export function isPairwiseRun(judgments: readonly JudgmentRecord[], run?: RunRecord): boolean {
  const p = judgments[0]?.protocol ?? run?.config.protocol ?? 'pairwise';
  return p !== 'single';
}

function majorityOf(js: readonly JudgmentRecord[]): Verdict | null | undefined {
  return js.length === 0 ? undefined : majorityVerdict(js.map((j) => j.verdict)).verdict;
}

/**
 * Groups a run's judgments by item and aggregates each item with the judge core. Items with no
 * judgment are not rows. `gold` picks the label metrics compare with.
 */
export function buildRows(input: ReviewInput, gold: GoldSource = 'dataset'): ReviewRow[] {
  const pairwise = isPairwiseRun(input.judgments, input.run);
  const items = new Map<string, ItemRecord>();
  for (const it of input.items) if (it) items.set(it.id, it);
  const labels = new Map(input.labels.map((l) => [l.itemId, l]));
  const byItem = new Map<string, JudgmentRecord[]>();
  for (const j of input.judgments) {
    const list = byItem.get(j.itemId);
    if (list) list.push(j);
    else byItem.set(j.itemId, [j]);
  }
  const rows: ReviewRow[] = [];
  for (const [itemId, raw] of byItem) {
    const js = raw.sort((a, b) =>
      a.order === b.order
        ? a.sample - b.sample || a.createdAt - b.createdAt
        : a.order < b.order
          ? -1
          : 1,
    );
    const item = items.get(itemId);
    const human = labels.get(itemId);
    const agg = aggregateJudgments(
      pairwise,
      js.map((j) => ({
        order: j.order,
        verdict: j.verdict,
        probabilities: j.probabilities ?? null,
        score: j.score,
      })),
    );
    const ab = js.filter((j) => j.order === 'AB');
    const ba = js.filter((j) => j.order === 'BA');
    const datasetLabel = asVerdict(item?.label);
    const humanLabel = asVerdict(human?.label);
    let promptTokens = 0;
    let completionTokens = 0;
    let ms = 0;
    let parseFailed = 0;
    let parseRepaired = 0;
    for (const j of js) {
      promptTokens += j.usage.promptTokens || 0;
      completionTokens += j.usage.completionTokens || 0;
      ms += j.usage.totalMs || 0;
      if (j.parse === 'failed') parseFailed++;
      else if (j.parse === 'repaired') parseRepaired++;
    }
    rows.push({
      pos: 0,
      itemId,
      item,
      subset: subsetOf(item),
      datasetLabel,
      human,
      humanLabel,
      label: gold === 'mine' && humanLabel !== null ? humanLabel : datasetLabel,
      verdictAB: majorityOf(ab),
      verdictBA: majorityOf(ba),
      verdict: agg.verdict,
      consistency: agg.consistency,
      confidence: agg.confidence,
      preferenceA: agg.preferenceA,
      score: agg.scores?.mean ?? null,
      parseFailed,
      parseRepaired,
      lenA: item?.responseA.length,
      lenB: item?.responseB?.length,
      promptTokens,
      completionTokens,
      ms,
      judgments: js,
    });
  }
  rows.sort(
    (a, b) =>
      (a.item?.index ?? Infinity) - (b.item?.index ?? Infinity) ||
      (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0),
  );
  rows.forEach((r, i) => (r.pos = i));
  return rows;
}

/**
 * A row as the judge core's metrics read it. A run with only the B/A order has no A/B verdict:
 * its BA verdict stands in for AB (one order run) so nothing is miscounted as a parse failure.
 */
export function toPairRecord(r: ReviewRow): PairRecord {
  const rec: PairRecord = {
    label: r.label,
    verdictAB: r.verdictAB === undefined ? (r.verdictBA ?? null) : r.verdictAB,
  };
  if (r.verdictAB !== undefined && r.verdictBA !== undefined) rec.verdictBA = r.verdictBA;
  if (r.item?.modelA) rec.modelA = r.item.modelA;
  if (r.item?.modelB) rec.modelB = r.item.modelB;
  if (r.lenA !== undefined) rec.lenA = r.lenA;
  if (r.lenB !== undefined) rec.lenB = r.lenB;
  return rec;
}

/** The row with a new human label (or none): the judge's side is unchanged. */
export function withHuman(
  row: ReviewRow,
  human: LabelRecord | undefined,
  gold: GoldSource = 'dataset',
): ReviewRow {
  const humanLabel = asVerdict(human?.label);
  return {
    ...row,
    human,
    humanLabel,
    label: gold === 'mine' && humanLabel !== null ? humanLabel : row.datasetLabel,
  };
}
