// Bootstrap of many ratio-of-sums figures at once: items grouped into patterns of counts, resampled in one pass.
import { quantile, type BootstrapOptions, type Interval } from './stats';

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
  /** Column ranges with their own, fewer, patterns (see patternTable's `blocks`). */
  blocks: Block[];
}

/** Columns [from, to) and the distinct parts of the patterns there. */
interface Block {
  from: number;
  to: number;
  /** The part (index into `parts`) of each pattern. */
  partOf: Uint32Array;
  parts: Float64Array[];
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

/** Distinct vectors: the index of each vector given, and the distinct ones in first-seen order. */
function distinct(
  count: number,
  width: number,
  fill: (i: number, out: Float64Array) => void,
): { indexOf: Uint32Array; vectors: Float64Array[] } {
  const scratch = new Float64Array(width);
  const byHash = new Map<number, number[]>();
  const vectors: Float64Array[] = [];
  const indexOf = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    scratch.fill(0);
    fill(i, scratch);
    const h = hashOf(scratch);
    let list = byHash.get(h);
    if (!list) byHash.set(h, (list = []));
    let p = list.find((q) => same(vectors[q]!, scratch));
    if (p === undefined) {
      p = vectors.length;
      list.push(p);
      vectors.push(scratch.slice());
    }
    indexOf[i] = p;
  }
  return { indexOf, vectors };
}

/**
 * Groups n items into patterns. `fill(i, out)` writes item i's counts into `out` (zeroed before
 * each call; whole numbers: the hash reads them as integers). `blocks`, the first column of each
 * of consecutive column ranges, lets a resample add up each range over that range's own distinct
 * parts: many items' patterns differ in one range only (a panel's members vary independently), so
 * this costs patterns × ranges per resample instead of patterns × columns.
 */
export function patternTable(
  n: number,
  width: number,
  fill: (i: number, out: Float64Array) => void,
  blocks: readonly number[] = [0],
): PatternTable {
  const { indexOf: patternOf, vectors: patterns } = distinct(n, width, fill);
  const itemsOf = new Float64Array(patterns.length);
  for (let i = 0; i < n; i++) itemsOf[patternOf[i]!]! += 1;
  const sums = new Float64Array(width);
  patterns.forEach((c, p) => {
    for (let k = 0; k < width; k++) sums[k]! += itemsOf[p]! * c[k]!;
  });
  const starts = [...new Set([0, ...blocks])].filter((b) => b < width).sort((a, b) => a - b);
  const ranges = starts.map((from, b) => {
    const to = starts[b + 1] ?? width;
    const { indexOf: partOf, vectors: parts } = distinct(patterns.length, to - from, (p, out) =>
      out.set(patterns[p]!.subarray(from, to)),
    );
    return { from, to, partOf, parts };
  });
  return { n, width, patternOf, patterns, sums, blocks: ranges };
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
  // mulberry32(seed) inlined (the same sequence, see stats.ts): the draws are most of the cost.
  let state = seed >>> 0;
  const mult = new Float64Array(patterns.length);
  const partMult = table.blocks.map((b) => new Float64Array(b.parts.length));
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
        for (let i = 0; i < n; i++) {
          state = (state + 0x6d2b79f5) >>> 0;
          let t = state;
          t = Math.imul(t ^ (t >>> 15), t | 1);
          t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
          const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
          mult[patternOf[Math.floor(r * n)]!]! += 1;
        }
        sums.fill(0);
        for (let b = 0; b < table.blocks.length; b++) {
          const { from, to, partOf, parts } = table.blocks[b]!;
          const pm = partMult[b]!;
          pm.fill(0);
          for (let p = 0; p < patterns.length; p++) pm[partOf[p]!]! += mult[p]!;
          for (let q = 0; q < parts.length; q++) {
            const m = pm[q]!;
            if (m === 0) continue;
            const c = parts[q]!;
            for (let k = from; k < to; k++) sums[k]! += m * c[k - from]!;
          }
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
