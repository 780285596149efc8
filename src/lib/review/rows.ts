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
import { agreesWithLabel, labelAgreement, type LabelAgreement } from '../judge/outcome';
import type { Verdict } from '../judge/types';
import type { ItemFacts, ItemRecord, JudgmentFacts, LabelRecord, RunRecord } from '../store/schema';
import { itemFacts, itemSubset } from '../store/digest-keys';
import { judgmentAt, JUDGMENT_NUMS, verdictOfCode } from '../store/digests';
import type { JudgmentTable } from '../store/digest-read';

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
  /** How many judgments the item has (judgments.length, without building them). */
  judgmentCount: number;
  /** This item's judgments' facts (no text), AB first, by sample. */
  readonly judgments: JudgmentFacts[];
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
export function isPairwiseRun(
  judgments: readonly JudgmentFacts[] | JudgmentTable,
  run?: RunRecord,
): boolean {
  const first = 'codes' in judgments ? judgments.protocol[0] : judgments[0]?.protocol;
  const p = first ?? run?.config.protocol ?? 'pairwise';
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

/** Rows in list order (dataset order, then item id), numbered. */
function ordered(rows: ReviewRow[]): ReviewRow[] {
  rows.sort(
    (a, b) =>
      (a.item?.index ?? Infinity) - (b.item?.index ?? Infinity) ||
      (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0),
  );
  rows.forEach((r, i) => (r.pos = i));
  return rows;
}

/** One item's row from its judgments' facts (any number of orders and samples). */
function rowOf(
  itemId: string,
  raw: JudgmentFacts[],
  item: ItemFacts | undefined,
  human: LabelRecord | undefined,
  pairwise: boolean,
  gold: GoldSource,
): ReviewRow {
  // Two judgments (the usual run: one per order) arrive AB first: no sort needed.
  const js =
    raw.length === 2 && raw[0]!.order === 'AB' && raw[1]!.order === 'BA'
      ? raw
      : raw.sort(byOrderThenSample);
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
  return {
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
    judgmentCount: js.length,
    judgments: js,
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
  for (const [itemId, raw] of byItem)
    rows.push(rowOf(itemId, raw, items.get(itemId), labels.get(itemId), pairwise, gold));
  return ordered(rows);
}

/** A run's digest as the review reads it on open: judgments by column (see JudgmentTable). */
export interface TableInput {
  run?: RunRecord | undefined;
  table: JudgmentTable;
  /** The judged items' facts, as a list or by id. */
  items: readonly ItemFacts[] | ReadonlyMap<string, ItemFacts>;
  labels: readonly LabelRecord[];
}

/**
 * A row from a table whose judgments' fact objects are made only when read (the detail view,
 * export): the first screen needs none of the 20,000 of a large run.
 */
class TableRow implements ReviewRow {
  pos = 0;
  itemId: string;
  item: ItemFacts | undefined;
  subset: string | null;
  datasetLabel: Verdict | null;
  human: LabelRecord | undefined;
  humanLabel: Verdict | null;
  label: Verdict | null;
  verdictAB: Verdict | null | undefined;
  verdictBA: Verdict | null | undefined;
  verdict: Verdict | null;
  consistency: Consistency | null;
  confidence: number | null;
  preferenceA: number | null;
  score: number | null = null;
  parseFailed = 0;
  parseRepaired = 0;
  lenA: number | undefined;
  lenB: number | undefined;
  promptTokens = 0;
  completionTokens = 0;
  ms = 0;
  judgmentCount: number;
  #table: JudgmentTable;
  #ab: number;
  #ba: number;
  #facts: JudgmentFacts[] | undefined;

  constructor(
    table: JudgmentTable,
    ab: number,
    ba: number,
    item: ItemFacts | undefined,
    human: LabelRecord | undefined,
    gold: GoldSource,
  ) {
    this.#table = table;
    this.#ab = ab;
    this.#ba = ba;
    this.itemId = table.itemId[ab >= 0 ? ab : ba]!;
    this.item = item;
    this.subset = item?.subset ?? null;
    this.datasetLabel = asVerdict(item?.label);
    this.human = human;
    this.humanLabel = asVerdict(human?.label);
    this.label = gold === 'mine' && this.humanLabel !== null ? this.humanLabel : this.datasetLabel;
    const codes = table.codes;
    const num = table.num;
    const W = JUDGMENT_NUMS;
    this.verdictAB = ab >= 0 ? verdictOfCode(codes[ab * 3 + 1]) : undefined;
    this.verdictBA = ba >= 0 ? verdictOfCode(codes[ba * 3 + 1]) : undefined;
    const combined = combineOrders(this.verdictAB, this.verdictBA);
    const final = combined.verdict;
    this.verdict = final;
    this.consistency = combined.consistency;
    // fastPair's means and buildRows' sums, over the judgments in the same order (AB, then BA).
    let n = 0;
    let conf = 0;
    let prefA = 0;
    let count = 0;
    for (let k = 0; k < 2; k++) {
      const j = k === 0 ? ab : ba;
      if (j < 0) continue;
      count++;
      const o = j * W;
      const pA = num[o + 6]!;
      if (!Number.isNaN(pA)) {
        const pB = num[o + 7]!;
        const tie = num[o + 8]!;
        n++;
        if (final !== null)
          conf += final === 'A' ? pA : final === 'B' ? pB : Number.isNaN(tie) ? 0 : tie;
        prefA += pA + (Number.isNaN(tie) ? 0 : tie) / 2;
      }
      this.promptTokens += num[o + 2]! || 0;
      this.completionTokens += num[o + 3]! || 0;
      this.ms += num[o + 4]! || 0;
      const parse = codes[j * 3 + 2];
      if (parse === 'r') this.parseRepaired++;
      else if (parse !== 'o') this.parseFailed++;
    }
    this.confidence = final === null || n === 0 ? null : conf / n;
    this.preferenceA = n === 0 ? null : prefA / n;
    this.lenA = item?.lenA;
    this.lenB = item?.lenB;
    this.judgmentCount = count;
  }

  get judgments(): JudgmentFacts[] {
    if (!this.#facts) {
      const t = this.#table;
      this.#facts = [];
      if (this.#ab >= 0) this.#facts.push(judgmentAt(t, t.runId, this.#ab));
      if (this.#ba >= 0) this.#facts.push(judgmentAt(t, t.runId, this.#ba));
    }
    return this.#facts;
  }
}

/**
 * buildRows over a digest's columns: the same rows (checked equal in tests), without an object
 * per judgment. Items with one judgment per order (every one-sample pairwise run) are read
 * straight from the columns; any other shape goes through buildRows' path.
 */
export function buildRowsFromTable(input: TableInput, gold: GoldSource = 'dataset'): ReviewRow[] {
  const t = input.table;
  const pairwise = isPairwiseRun(t, input.run);
  const given = input.items;
  const items: ReadonlyMap<string, ItemFacts> =
    'get' in given ? given : new Map(given.map((it) => [it.id, it]));
  const labels = new Map(input.labels.map((l) => [l.itemId, l]));
  // Per item (in order of first judgment): its first two judgments; more go to `extra`.
  const groupOf = new Map<string, number>();
  const first: number[] = [];
  const second: number[] = [];
  const extra = new Map<number, number[]>();
  for (let j = 0; j < t.length; j++) {
    const id = t.itemId[j]!;
    const g = groupOf.get(id);
    if (g === undefined) {
      groupOf.set(id, first.length);
      first.push(j);
      second.push(-1);
    } else if (second[g] === -1) second[g] = j;
    else {
      const list = extra.get(g);
      if (list) list.push(j);
      else extra.set(g, [j]);
    }
  }
  const rows: ReviewRow[] = new Array(first.length);
  for (let g = 0; g < first.length; g++) {
    const a = first[g]!;
    const b = second[g]!;
    const itemId = t.itemId[a]!;
    const item = items.get(itemId);
    const human = labels.get(itemId);
    const orderA = t.codes[a * 3];
    const orderB = b >= 0 ? t.codes[b * 3] : undefined;
    if (pairwise && !extra.has(g) && orderA !== orderB) {
      const [ab, ba] = orderA === 'A' ? [a, b] : [b, a];
      rows[g] = new TableRow(t, ab, ba, item, human, gold);
    } else {
      const js = [a, ...(b >= 0 ? [b] : []), ...(extra.get(g) ?? [])].map((j) =>
        judgmentAt(t, t.runId, j),
      );
      rows[g] = rowOf(itemId, js, item, human, pairwise, gold);
    }
  }
  return ordered(rows);
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

/**
 * Agreement of the rows' verdicts with their labels (the label metrics use), by the judge core's
 * definitions: the Run page's and the CLI's numbers for the same run.
 */
export function rowAgreement(rows: readonly ReviewRow[]): LabelAgreement {
  return labelAgreement(
    rows.map((r) => ({ label: r.label, correct: agreesWithLabel(r, r.label) })),
  );
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
    // A TableRow's judgments are a getter on its class, which spreading would leave out.
    judgmentCount: row.judgmentCount,
    judgments: row.judgments,
    human,
    humanLabel,
    label: gold === 'mine' && humanLabel !== null ? humanLabel : row.datasetLabel,
  };
}
