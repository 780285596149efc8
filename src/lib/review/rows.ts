// One row per judged item of a run: the item, its labels and its verdict as aggregateJudgments defines it.
import {
  aggregateJudgments,
  combineOrders,
  majorityVerdict,
  type Consistency,
  type ItemAggregate,
  type VerdictSample,
} from '../judge/aggregate';
import type { PairRecord } from '../judge/metrics';
import type { Verdict } from '../judge/types';
import type { ItemFacts, ItemRecord, JudgmentFacts, LabelRecord, RunRecord } from '../store/schema';
import { itemFacts, itemSubset } from '../store/digests';

/**
 * A run's records as the review reads them: the review digest's facts (store/digests.ts) or the
 * full records (a JudgmentRecord is a JudgmentFacts; an ItemRecord is reduced to its facts).
 */
export interface ReviewInput {
  run?: RunRecord | undefined;
  judgments: readonly JudgmentFacts[];
  items: readonly (ItemRecord | ItemFacts | undefined)[];
  labels: readonly LabelRecord[];
}

/** Which label counts as gold: the dataset's, or yours where you set one (an override). */
export type GoldSource = 'dataset' | 'mine';

/** One judged item. */
export interface ReviewRow {
  /** Position in the list (dataset order, then item id). */
  pos: number;
  itemId: string;
  /** The item's facts (no texts: the full item is read on demand, see ReviewState.detailItem). */
  item: ItemFacts | undefined;
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
  /** This item's judgments' facts (no text), AB first, by sample. */
  judgments: JudgmentFacts[];
}

const VERDICTS = new Set<unknown>(['A', 'B', 'tie']);

/** A pairwise verdict, or null for anything else (scores, missing). */
export function asVerdict(v: unknown): Verdict | null {
  return VERDICTS.has(v) ? (v as Verdict) : null;
}

/** The item's subset or category: `category`, else `meta.subset` (LLMBar), else `meta.category`. */
export function subsetOf(item: ItemRecord | undefined): string | null {
  return item ? itemSubset(item) : null;
}

/** An item's facts, from the digest or computed from the full record. */
export function asItemFacts(item: ItemRecord | ItemFacts): ItemFacts {
  return 'responseA' in item ? itemFacts(item) : item;
}

/** Whether a run's judgments are pairwise (or meta: two things compared) rather than single scores. */
export function isPairwiseRun(judgments: readonly JudgmentFacts[], run?: RunRecord): boolean {
  const p = judgments[0]?.protocol ?? run?.config.protocol ?? 'pairwise';
  return p !== 'single';
}

function majorityOf(js: readonly JudgmentFacts[]): Verdict | null | undefined {
  if (js.length === 0) return undefined;
  // One sample (the usual run): the majority of one verdict is that verdict, null included.
  if (js.length === 1) return js[0]!.verdict;
  return majorityVerdict(js.map((j) => j.verdict)).verdict;
}

const byOrderThenSample = (a: JudgmentFacts, b: JudgmentFacts) =>
  a.order === b.order
    ? a.sample - b.sample || a.createdAt - b.createdAt
    : a.order < b.order
      ? -1
      : 1;

const asSample = (j: JudgmentFacts): VerdictSample => ({
  order: j.order,
  verdict: j.verdict,
  probabilities: j.probabilities ?? null,
  score: j.score,
});

/**
 * aggregateJudgments for a pairwise item with at most one judgment per order (every run with one
 * sample), without its per-item arrays: the same verdict, consistency and means (a one-verdict
 * majority is that verdict; the means add in the same order). Null for any other shape.
 */
export function fastPair(js: readonly JudgmentFacts[]): ItemAggregate | null {
  if (js.length > 2) return null;
  let ab: Verdict | null | undefined;
  let ba: Verdict | null | undefined;
  for (const j of js) {
    if (j.order === 'AB') {
      if (ab !== undefined) return null;
      ab = j.verdict;
    } else {
      if (ba !== undefined) return null;
      ba = j.verdict;
    }
  }
  const combined = combineOrders(ab, ba);
  const final = combined.verdict;
  let n = 0;
  let conf = 0;
  let prefA = 0;
  for (const j of js) {
    const p = j.probabilities;
    if (!p) continue;
    n++;
    if (final !== null) conf += p[final] ?? 0;
    prefA += p.A + (p.tie ?? 0) / 2;
  }
  return {
    verdict: final,
    consistency: combined.consistency,
    confidence: final === null || n === 0 ? null : conf / n,
    preferenceA: n === 0 ? null : prefA / n,
    scores: null,
  };
}

/**
 * Groups a run's judgments by item and aggregates each item with the judge core. Items with no
 * judgment are not rows. `gold` picks the label metrics compare with.
 */
export function buildRows(input: ReviewInput, gold: GoldSource = 'dataset'): ReviewRow[] {
  const pairwise = isPairwiseRun(input.judgments, input.run);
  const items = new Map<string, ItemFacts>();
  for (const it of input.items) if (it) items.set(it.id, asItemFacts(it));
  const labels = new Map(input.labels.map((l) => [l.itemId, l]));
  const byItem = new Map<string, JudgmentFacts[]>();
  for (const j of input.judgments) {
    const list = byItem.get(j.itemId);
    if (list) list.push(j);
    else byItem.set(j.itemId, [j]);
  }
  const rows: ReviewRow[] = [];
  for (const [itemId, raw] of byItem) {
    // Two judgments (the usual run: one per order) arrive AB first: no sort needed.
    const js =
      raw.length === 2 && raw[0]!.order === 'AB' && raw[1]!.order === 'BA'
        ? raw
        : raw.sort(byOrderThenSample);
    const item = items.get(itemId);
    const human = labels.get(itemId);
    const fast = pairwise ? fastPair(js) : null;
    const agg = fast ?? aggregateJudgments(pairwise, js.map(asSample));
    let verdictAB: Verdict | null | undefined;
    let verdictBA: Verdict | null | undefined;
    if (fast) {
      // At most one judgment per order: its majority is its verdict.
      for (const j of js)
        if (j.order === 'AB') verdictAB = j.verdict;
        else verdictBA = j.verdict;
    } else {
      const ab: JudgmentFacts[] = [];
      const ba: JudgmentFacts[] = [];
      for (const j of js) (j.order === 'AB' ? ab : ba).push(j);
      verdictAB = majorityOf(ab);
      verdictBA = majorityOf(ba);
    }
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
      subset: item?.subset ?? null,
      datasetLabel,
      human,
      humanLabel,
      label: gold === 'mine' && humanLabel !== null ? humanLabel : datasetLabel,
      verdictAB,
      verdictBA,
      verdict: agg.verdict,
      consistency: agg.consistency,
      confidence: agg.confidence,
      preferenceA: agg.preferenceA,
      score: agg.scores?.mean ?? null,
      parseFailed,
      parseRepaired,
      lenA: item?.lenA,
      lenB: item?.lenB,
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
