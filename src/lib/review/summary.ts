// Every number of the run dashboard, from review rows, with seeded bootstrap intervals equal to the core's.
import { combineOrders } from '../judge/aggregate';
import { mulberry32, quantile, type BootstrapOptions, type Interval } from '../judge/stats';
import type { Verdict } from '../judge/types';
import { toPairRecord, type ReviewRow } from './rows';

const LABELS: Verdict[] = ['A', 'B', 'tie'];
const PREDS = ['A', 'B', 'tie', 'failed'] as const;
export type Prediction = (typeof PREDS)[number];

/**
 * Per-item counts. Every dashboard rate is a ratio of sums of these over items, so a bootstrap
 * resample needs only the sums; items with the same vector are grouped into patterns, which makes
 * an iteration cost n random draws (the core's draws, in the core's order) plus patterns × columns.
 */
const SCALARS = [
  'items',
  'labelled',
  'correct',
  'correctAB',
  'labelledBoth',
  'correctBA',
  'correctBoth',
  'both',
  'agree',
  'flip',
  'shown',
  'shownTie',
  'shownFailed',
  'decisive',
  'decisiveFirst',
  'lengthN',
  'longerWins',
  'human',
  'humanAgree',
  'judgments',
  'judgmentsFailed',
  'judgmentsRepaired',
] as const;

/**
 * Label × prediction tables, one cell per (A, B, tie) × (A, B, tie, failed), after the scalars:
 * `confusion` counts labelled items against the final verdict, `humanConfusion` your label
 * against it (for judge-vs-you kappa).
 */
const TABLES = ['confusion', 'humanConfusion'] as const;
const CELLS = LABELS.length * PREDS.length;

/** Where each count sits in a row's vector; the layout follows from the lists above. */
export const COLUMNS = Object.fromEntries([
  ...SCALARS.map((name, i) => [name, i] as const),
  ...TABLES.map((name, t) => [name, SCALARS.length + t * CELLS] as const),
]) as Record<(typeof SCALARS)[number] | (typeof TABLES)[number], number>;
const C = COLUMNS;

/** Length of a row's count vector. */
export const WIDTH = SCALARS.length + TABLES.length * CELLS;

/** The cell of a label × prediction table for one label and one prediction. */
const cell = (table: (typeof TABLES)[number], label: Verdict, pred: Prediction) =>
  C[table] + LABELS.indexOf(label) * PREDS.length + PREDS.indexOf(pred);

/** The count vector of one row. */
export function rowCounts(r: ReviewRow): Float64Array {
  const c = new Float64Array(WIDTH);
  const p = toPairRecord(r);
  const hasBA = p.verdictBA !== undefined;
  const final = combineOrders(p.verdictAB, p.verdictBA).verdict;
  c[C.items] = 1;
  if (p.label !== null) {
    c[C.labelled] = 1;
    c[C.correct] = final === p.label ? 1 : 0;
    c[C.correctAB] = p.verdictAB === p.label ? 1 : 0;
    c[cell('confusion', p.label, final ?? 'failed')] = 1;
    if (hasBA) {
      c[C.labelledBoth] = 1;
      c[C.correctBA] = p.verdictBA === p.label ? 1 : 0;
      c[C.correctBoth] = p.verdictAB === p.label && p.verdictBA === p.label ? 1 : 0;
    }
  }
  if (hasBA) {
    c[C.both] = 1;
    c[C.agree] = p.verdictAB !== null && p.verdictAB === p.verdictBA ? 1 : 0;
    c[C.flip] = p.verdictAB !== null && p.verdictBA != null && p.verdictAB !== p.verdictBA ? 1 : 0;
  }
  const shown: [Verdict | null, Verdict][] = [[p.verdictAB, 'A']];
  if (hasBA) shown.push([p.verdictBA ?? null, 'B']);
  for (const [v, first] of shown) {
    c[C.shown]! += 1;
    if (v === 'tie') c[C.shownTie]! += 1;
    if (v === null) c[C.shownFailed]! += 1;
    if (v === 'A' || v === 'B') {
      c[C.decisive]! += 1;
      if (v === first) c[C.decisiveFirst]! += 1;
    }
  }
  if (
    p.lenA !== undefined &&
    p.lenB !== undefined &&
    p.lenA !== p.lenB &&
    (final === 'A' || final === 'B')
  ) {
    c[C.lengthN] = 1;
    c[C.longerWins] = (final === 'A') === p.lenA > p.lenB ? 1 : 0;
  }
  if (r.humanLabel !== null) {
    c[C.human] = 1;
    c[C.humanAgree] = r.verdict === r.humanLabel ? 1 : 0;
    c[cell('humanConfusion', r.humanLabel, r.verdict ?? 'failed')] = 1;
  }
  c[C.judgments] = r.judgmentCount;
  c[C.judgmentsFailed] = r.parseFailed;
  c[C.judgmentsRepaired] = r.parseRepaired;
  return c;
}

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);

/**
 * Cohen's kappa from a label × prediction table (rows: rater 1's A/B/tie; columns: rater 2's
 * A/B/tie/failed), as the core's `cohenKappa` computes it from the two raters' lists.
 */
function kappaFromTable(s: Float64Array, table: (typeof TABLES)[number]): number {
  let n = 0;
  let agree = 0;
  const rowSum = LABELS.map(() => 0);
  const colSum = PREDS.map(() => 0);
  // Runs per resample and metric, so it walks the cells by position rather than by name.
  LABELS.forEach((label, l) =>
    PREDS.forEach((pred, p) => {
      const v = s[C[table] + l * PREDS.length + p] ?? 0;
      n += v;
      rowSum[l]! += v;
      colSum[p]! += v;
      if (pred === label) agree += v;
    }),
  );
  if (n === 0) return NaN;
  const po = agree / n;
  let pe = 0;
  LABELS.forEach((_, k) => (pe += (colSum[k]! / n) * (rowSum[k]! / n)));
  return pe === 1 ? (po === 1 ? 1 : NaN) : (po - pe) / (1 - pe);
}

/** The dashboard's rates, named as the judge core names them where it has them (pairwiseMetrics). */
export const METRICS = {
  /** Final verdict (flip = tie) equals the label: the headline accuracy. */
  accuracy: (s: Float64Array) => ratio(s[C.correct]!, s[C.labelled]!),
  accuracyAB: (s: Float64Array) => ratio(s[C.correctAB]!, s[C.labelled]!),
  accuracyBA: (s: Float64Array) => ratio(s[C.correctBA]!, s[C.labelledBoth]!),
  /** LLMBar's Acc.: mean of the per-order accuracies. */
  accuracyMean: (s: Float64Array) => {
    const ab = ratio(s[C.correctAB]!, s[C.labelled]!);
    const ba = ratio(s[C.correctBA]!, s[C.labelledBoth]!);
    return Number.isNaN(ba) ? ab : (ab + ba) / 2;
  },
  consistentAccuracy: (s: Float64Array) => ratio(s[C.correctBoth]!, s[C.labelledBoth]!),
  positionalAgreement: (s: Float64Array) => ratio(s[C.agree]!, s[C.both]!),
  flipRate: (s: Float64Array) => ratio(s[C.flip]!, s[C.both]!),
  tieRate: (s: Float64Array) => ratio(s[C.shownTie]!, s[C.shown]!),
  parseFailureRate: (s: Float64Array) => ratio(s[C.shownFailed]!, s[C.shown]!),
  firstPositionPreference: (s: Float64Array) => ratio(s[C.decisiveFirst]!, s[C.decisive]!),
  kappa: (s: Float64Array) => kappaFromTable(s, 'confusion'),
  longerAnswerWinRate: (s: Float64Array) => ratio(s[C.longerWins]!, s[C.lengthN]!),
  humanAgreement: (s: Float64Array) => ratio(s[C.humanAgree]!, s[C.human]!),
  humanKappa: (s: Float64Array) => kappaFromTable(s, 'humanConfusion'),
  /** Share of judgments (not items) whose verdict failed to parse / needed repair. */
  judgmentParseFailed: (s: Float64Array) => ratio(s[C.judgmentsFailed]!, s[C.judgments]!),
  judgmentRepaired: (s: Float64Array) => ratio(s[C.judgmentsRepaired]!, s[C.judgments]!),
} satisfies Record<string, (s: Float64Array) => number>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** Metrics that get a bootstrap interval (the judgment-level parse rates are counts, not samples of items). */
export const CI_METRICS: MetricName[] = METRIC_NAMES.filter(
  (m) => m !== 'judgmentParseFailed' && m !== 'judgmentRepaired',
);

/** Rows' count vectors grouped into distinct patterns. */
export interface CountTable {
  n: number;
  /** Pattern of each row, in row order. */
  patternOf: Uint32Array;
  patterns: Float64Array[];
  sums: Float64Array;
}

// A row's vector depends only on a few small facts (rowCounts reads nothing else): rows with the
// same facts share one vector, made once. Vectors are also kept per row (WeakMap) for rows whose
// facts do not fit the key (thousands of judgments on one item).
const byKey = new Map<number, { c: Float64Array; hash: number }>();
const vectors = new WeakMap<ReviewRow, { c: Float64Array; hash: number }>();

const LABEL_CODE = (v: Verdict | null) => (v === null ? 0 : v === 'A' ? 1 : v === 'B' ? 2 : 3);
const ORDER_CODE = (v: Verdict | null | undefined) => (v === undefined ? 4 : LABEL_CODE(v));

/**
 * Everything rowCounts reads of a row, as one integer: label, both order verdicts, the final
 * verdict, your label, which answer is longer, and the judgment and parse counts. Null when a
 * count is too large for the key to stay exact.
 */
export function countKey(r: ReviewRow): number | null {
  const n = r.judgmentCount;
  if (n >= 1024 || r.parseFailed > n || r.parseRepaired > n) return null;
  const len =
    r.lenA === undefined || r.lenB === undefined
      ? 0
      : r.lenA === r.lenB
        ? 1
        : r.lenA > r.lenB
          ? 2
          : 3;
  let k = LABEL_CODE(r.label);
  k = k * 5 + ORDER_CODE(r.verdictAB);
  k = k * 5 + ORDER_CODE(r.verdictBA);
  k = k * 4 + LABEL_CODE(r.verdict);
  k = k * 4 + LABEL_CODE(r.humanLabel);
  k = k * 4 + len;
  k = k * 1024 + n;
  k = k * 1024 + r.parseFailed;
  return k * 1024 + r.parseRepaired;
}

function vectorOf(r: ReviewRow): { c: Float64Array; hash: number } {
  const key = countKey(r);
  let v = key === null ? vectors.get(r) : byKey.get(key);
  if (!v) {
    const c = rowCounts(r);
    v = { c, hash: hashOf(c) };
    if (key === null) vectors.set(r, v);
    else byKey.set(key, v);
  }
  return v;
}

/** FNV-1a over the cells, kept to 30 bits (a small-integer Map key); counts are whole numbers. */
function hashOf(c: Float64Array): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < WIDTH; k++) {
    h ^= c[k]! | 0;
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x3fffffff;
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let k = 0; k < WIDTH; k++) if (a[k] !== b[k]) return false;
  return true;
}

export function countTable(rows: readonly ReviewRow[]): CountTable {
  // Patterns by hash; a hash shared by different vectors keeps a list (compared cell by cell).
  // Rows sharing a vector object (the same key) find their pattern without comparing cells.
  const byVector = new Map<Float64Array, number>();
  const byHash = new Map<number, number[]>();
  const patterns: Float64Array[] = [];
  const patternOf = new Uint32Array(rows.length);
  const rowsOf: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { c, hash } = vectorOf(rows[i]!);
    let p = byVector.get(c);
    if (p === undefined) {
      let list = byHash.get(hash);
      if (!list) byHash.set(hash, (list = []));
      p = list.find((q) => sameVector(patterns[q]!, c));
      if (p === undefined) {
        p = patterns.length;
        list.push(p);
        patterns.push(c);
        rowsOf.push(0);
      }
      byVector.set(c, p);
    }
    patternOf[i] = p;
    rowsOf[p]! += 1;
  }
  // Whole counts: summing per pattern gives exactly the per-row sums.
  const sums = new Float64Array(WIDTH);
  patterns.forEach((c, p) => {
    for (let k = 0; k < WIDTH; k++) sums[k]! += rowsOf[p]! * c[k]!;
  });
  return { n: rows.length, patternOf, patterns, sums };
}

/** A bootstrap in progress: run `step` until `done`, then read `result` (lets a UI yield between chunks). */
export interface BootstrapJob {
  /** Runs up to `count` more iterations; returns how many are done in all. */
  step(count: number): number;
  readonly done: boolean;
  readonly iterations: number;
  result(): Record<MetricName, Interval>;
}

/**
 * Percentile bootstrap of every CI metric at once. Draws exactly what the core's `bootstrap`
 * draws (mulberry32(seed), n draws per iteration), so each interval equals
 * `bootstrap(records, rs => pairwiseMetrics(rs).x, opts)` for the same options.
 */
export function bootstrapJob(
  table: CountTable,
  opts: BootstrapOptions = {},
  metrics: readonly MetricName[] = CI_METRICS,
): BootstrapJob {
  const { iterations = 1000, seed = 1, alpha = 0.05 } = opts;
  const values = metrics.map(() => [] as number[]);
  const rand = mulberry32(seed);
  const P = table.patterns.length;
  const mult = new Float64Array(P);
  const sums = new Float64Array(WIDTH);
  const total = table.n > 0 ? iterations : 0;
  let it = 0;
  return {
    iterations: total,
    get done() {
      return it >= total;
    },
    step(count: number): number {
      const end = Math.min(total, it + count);
      for (; it < end; it++) {
        mult.fill(0);
        for (let i = 0; i < table.n; i++)
          mult[table.patternOf[Math.floor(rand() * table.n)]!]! += 1;
        sums.fill(0);
        for (let p = 0; p < P; p++) {
          const m = mult[p]!;
          if (m === 0) continue;
          const c = table.patterns[p]!;
          for (let k = 0; k < WIDTH; k++) sums[k]! += m * c[k]!;
        }
        metrics.forEach((name, mi) => {
          const v = METRICS[name](sums);
          if (Number.isFinite(v)) values[mi]!.push(v);
        });
      }
      return it;
    },
    result(): Record<MetricName, Interval> {
      const out = {} as Record<MetricName, Interval>;
      metrics.forEach((name, mi) => {
        const xs = [...values[mi]!].sort((a, b) => a - b);
        out[name] = {
          estimate: METRICS[name](table.sums),
          lower: quantile(xs, alpha / 2),
          upper: quantile(xs, 1 - alpha / 2),
        };
      });
      return out;
    },
  };
}

/** bootstrapJob run to the end in one go. */
export function bootstrapAll(
  table: CountTable,
  opts: BootstrapOptions = {},
  metrics: readonly MetricName[] = CI_METRICS,
): Record<MetricName, Interval> {
  const job = bootstrapJob(table, opts, metrics);
  job.step(Infinity);
  return job.result();
}

/** Point estimates of every metric (no resampling). */
export function pointMetrics(table: CountTable): Record<MetricName, number> {
  const out = {} as Record<MetricName, number>;
  for (const name of METRIC_NAMES) out[name] = METRICS[name](table.sums);
  return out;
}

/** confusion[label][prediction] of the final verdict; a failed parse is the prediction 'failed'. */
export function confusionOf(
  table: CountTable,
  which: 'labels' | 'human' = 'labels',
): Record<Verdict, Record<Prediction, number>> {
  const at = which === 'labels' ? 'confusion' : 'humanConfusion';
  const out = {} as Record<Verdict, Record<Prediction, number>>;
  for (const l of LABELS) {
    out[l] = { A: 0, B: 0, tie: 0, failed: 0 };
    for (const p of PREDS) out[l][p] = table.sums[cell(at, l, p)]!;
  }
  return out;
}

/** Raw counts a caption needs (how many items, labels, both-order pairs, judgments). */
export function countsOf(table: CountTable) {
  const s = table.sums;
  return {
    items: s[C.items]!,
    labelled: s[C.labelled]!,
    both: s[C.both]!,
    human: s[C.human]!,
    judgments: s[C.judgments]!,
    parseFailed: s[C.judgmentsFailed]!,
    repaired: s[C.judgmentsRepaired]!,
    lengthN: s[C.lengthN]!,
  };
}
