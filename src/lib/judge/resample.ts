// Bootstrap of many ratio-of-sums figures at once: items grouped into patterns of counts, resampled in one pass.
import { mulberry32, quantile, type BootstrapOptions, type Interval } from './stats';

/**
 * Items as count vectors of one width, items with equal vectors sharing a pattern. Every figure
 * bootstrapped over it is a function of the vectors' sums, so a resample needs only how often each
 * pattern was drawn.
 */
export interface PatternTable {
  n: number;
  width: number;
  /** Pattern of each item, in item order. */
  patternOf: Uint32Array;
  patterns: Float64Array[];
  /** Column sums over every item. */
  sums: Float64Array;
}

/** FNV-1a over the cells (whole counts), kept to 30 bits so it is a small-integer Map key. */
function hashOf(c: Float64Array): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < c.length; k++) {
    h ^= c[k]! | 0;
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x3fffffff;
}

function same(a: Float64Array, b: Float64Array): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Groups n items into patterns. `fill(i, out)` writes item i's counts into `out` (zeroed before
 * each call; whole numbers: the hash reads them as integers).
 */
export function patternTable(
  n: number,
  width: number,
  fill: (i: number, out: Float64Array) => void,
): PatternTable {
  const scratch = new Float64Array(width);
  const byHash = new Map<number, number[]>();
  const patterns: Float64Array[] = [];
  const itemsOf: number[] = [];
  const patternOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    scratch.fill(0);
    fill(i, scratch);
    const h = hashOf(scratch);
    let list = byHash.get(h);
    if (!list) byHash.set(h, (list = []));
    let p = list.find((q) => same(patterns[q]!, scratch));
    if (p === undefined) {
      p = patterns.length;
      list.push(p);
      patterns.push(scratch.slice());
      itemsOf.push(0);
    }
    patternOf[i] = p;
    itemsOf[p]! += 1;
  }
  const sums = new Float64Array(width);
  patterns.forEach((c, p) => {
    for (let k = 0; k < width; k++) sums[k]! += itemsOf[p]! * c[k]!;
  });
  return { n, width, patternOf, patterns, sums };
}

/** A figure computed from a table's (or a resample's) column sums; NaN when undefined. */
export type SumsStat = (sums: Float64Array) => number;

/** A bootstrap in progress: `step` until `done`, then `result` (a UI can yield between steps). */
export interface ResampleJob {
  /** Runs up to `count` more iterations; returns how many are done in all. */
  step(count: number): number;
  readonly done: boolean;
  readonly iterations: number;
  /** One interval per stat, in the order given; the estimate is the stat on every item. */
  result(): Interval[];
}

/**
 * Percentile bootstrap of every stat at once over the table's items. It draws what the core's
 * `bootstrap` draws (mulberry32(seed), n draws of ⌊rand·n⌋ per iteration, NaN resamples skipped,
 * quantile type 7), so each interval equals `bootstrap(items, stat)` with the same options.
 */
export function resampleJob(
  table: PatternTable,
  stats: readonly SumsStat[],
  opts: BootstrapOptions = {},
): ResampleJob {
  const { iterations = 1000, seed = 1, alpha = 0.05 } = opts;
  const { n, width, patternOf, patterns } = table;
  const values = stats.map(() => [] as number[]);
  const rand = mulberry32(seed);
  const mult = new Float64Array(patterns.length);
  const sums = new Float64Array(width);
  const total = n > 0 ? iterations : 0;
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
        for (let i = 0; i < n; i++) mult[patternOf[Math.floor(rand() * n)]!]! += 1;
        sums.fill(0);
        for (let p = 0; p < patterns.length; p++) {
          const m = mult[p]!;
          if (m === 0) continue;
          const c = patterns[p]!;
          for (let k = 0; k < width; k++) sums[k]! += m * c[k]!;
        }
        for (let s = 0; s < stats.length; s++) {
          const v = stats[s]!(sums);
          if (Number.isFinite(v)) values[s]!.push(v);
        }
      }
      return it;
    },
    result(): Interval[] {
      return stats.map((stat, s) => {
        const xs = values[s]!.sort((a, b) => a - b);
        return {
          estimate: stat(table.sums),
          lower: quantile(xs, alpha / 2),
          upper: quantile(xs, 1 - alpha / 2),
        };
      });
    },
  };
}

/** resampleJob run to the end in one go. */
export function resampleAll(
  table: PatternTable,
  stats: readonly SumsStat[],
  opts: BootstrapOptions = {},
): Interval[] {
  const job = resampleJob(table, stats, opts);
  job.step(Infinity);
  return job.result();
}
