// Agreement between a panel's members: Cohen's kappa for every pair, Fleiss' kappa, seeded bootstrap intervals.
import type { PairResultValue } from './outcome';
import { patternTable, resampleAll, type PatternTable } from './resample';
import type { BootstrapOptions, Interval } from './stats';
import type { Verdict } from './types';

/**
 * The categories members agree or disagree on: the verdicts A, B and tie. A flip or a failure is
 * not a verdict, so it is left out: Cohen's kappa of two members counts the items both gave a
 * verdict for, Fleiss' kappa the items every member gave one for (flips show as position bias).
 */
export const AGREEMENT_CATEGORIES: readonly Verdict[] = ['A', 'B', 'tie'];
const K = AGREEMENT_CATEGORIES.length;

/** A member's rating of an item for agreement: its verdict, or null (flipped, failed, missing, a score). */
export function ratingOf(v: PairResultValue | null | undefined): Verdict | null {
  return v === 'A' || v === 'B' || v === 'tie' ? v : null;
}

const codeOf = (v: Verdict | null): number => (v === null ? -1 : v === 'A' ? 0 : v === 'B' ? 1 : 2);

/**
 * Cohen's kappa from a square table of counts (rows: rater 1's category, columns: rater 2's).
 * NaN with no items; 1 when both raters always use one and the same category.
 */
export function cohenKappaTable(table: readonly (readonly number[])[]): number {
  let n = 0;
  let agree = 0;
  const rows = table.map(() => 0);
  const cols = table.map(() => 0);
  table.forEach((row, i) =>
    row.forEach((v, j) => {
      n += v;
      rows[i]! += v;
      cols[j]! += v;
      if (i === j) agree += v;
    }),
  );
  if (n === 0) return NaN;
  const po = agree / n;
  let pe = 0;
  rows.forEach((r, k) => (pe += (r / n) * (cols[k]! / n)));
  return pe === 1 ? (po === 1 ? 1 : NaN) : (po - pe) / (1 - pe);
}

/**
 * Fleiss' kappa from the count of raters per category for each subject (every row sums to the same
 * number of raters, at least 2). Fleiss 1971: P̄ the mean agreement per subject, P̄e the sum of the
 * squared category shares. NaN with no subjects; 1 when every rating is the same category.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number {
  const first = counts[0];
  if (!first) return NaN;
  const raters = first.reduce((a, b) => a + b, 0);
  const totals = first.map(() => 0);
  let sumP = 0;
  for (const row of counts) {
    const m = row.reduce((a, b) => a + b, 0);
    if (m !== raters)
      throw new Error(`Fleiss' kappa needs the same raters per subject (${m} ≠ ${raters})`);
    let sq = 0;
    row.forEach((v, j) => {
      sq += v * v;
      totals[j]! += v;
    });
    sumP += (sq - m) / (m * (m - 1));
  }
  return fleissFrom(counts.length, raters, sumP, totals);
}

function fleissFrom(
  subjects: number,
  raters: number,
  sumP: number,
  totals: ArrayLike<number>,
): number {
  if (subjects === 0 || raters < 2) return NaN;
  const pBar = sumP / subjects;
  let pe = 0;
  for (let j = 0; j < totals.length; j++) pe += (totals[j]! / (subjects * raters)) ** 2;
  return pe === 1 ? (pBar === 1 ? 1 : NaN) : (pBar - pe) / (1 - pe);
}

/**
 * Where the agreement counts of a panel of `members` sit in an item's count vector (from `offset`):
 * a K×K table per pair of members (i < j, in order), then Fleiss' subject count, Σᵢⱼ nᵢⱼ² and the K
 * category totals over the items every member rated. Sums of these give every kappa, so the
 * review bootstraps them with its other figures in one pass.
 */
export function agreementWidth(members: number): number {
  return ((members * (members - 1)) / 2) * K * K + 2 + K;
}

/** Where each pair's table and Fleiss' counts start: column ranges patternTable may resample apart. */
export function agreementBlocks(offset: number, members: number): number[] {
  const pairs = (members * (members - 1)) / 2;
  return Array.from({ length: pairs + 1 }, (_, p) => offset + p * K * K);
}

/** Writes one item's agreement counts (members' ratings, see ratingOf) into `out` at `offset`. */
export function writeAgreementCounts(
  ratings: readonly (Verdict | null)[],
  out: Float64Array,
  offset = 0,
): void {
  const m = ratings.length;
  const codes = ratings.map(codeOf);
  let at = offset;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const ca = codes[a]!;
      const cb = codes[b]!;
      if (ca >= 0 && cb >= 0) out[at + ca * K + cb]! += 1;
      at += K * K;
    }
  }
  if (m < 2 || codes.some((c) => c < 0)) return;
  const n = [0, 0, 0];
  for (const c of codes) n[c]! += 1;
  out[at]! += 1;
  // Σⱼ nᵢⱼ², a whole number (so items' vectors group exactly); Pᵢ follows from it in fleissFromSums.
  out[at + 1]! += n[0]! ** 2 + n[1]! ** 2 + n[2]! ** 2;
  for (let k = 0; k < K; k++) out[at + 2 + k]! += n[k]!;
}

/** Cohen's kappa of members a < b from summed agreement counts. */
export function pairKappaFromSums(
  sums: Float64Array,
  offset: number,
  members: number,
  a: number,
  b: number,
): number {
  const at = offset + pairIndex(members, a, b) * K * K;
  // cohenKappaTable's formula read in place: it runs per pair and bootstrap resample.
  let n = 0;
  let agree = 0;
  let pe = 0;
  for (let i = 0; i < K; i++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < K; j++) {
      row += sums[at + i * K + j]!;
      col += sums[at + j * K + i]!;
    }
    n += row;
    agree += sums[at + i * K + i]!;
    pe += row * col;
  }
  if (n === 0) return NaN;
  const po = agree / n;
  pe /= n * n;
  return pe === 1 ? (po === 1 ? 1 : NaN) : (po - pe) / (1 - pe);
}

/** Items both members a < b rated, from summed agreement counts. */
export function pairCountFromSums(
  sums: Float64Array,
  offset: number,
  members: number,
  a: number,
  b: number,
): number {
  const at = offset + pairIndex(members, a, b) * K * K;
  let n = 0;
  for (let k = 0; k < K * K; k++) n += sums[at + k]!;
  return n;
}

/** Fleiss' kappa (and its subject count) from summed agreement counts. */
export function fleissFromSums(
  sums: Float64Array,
  offset: number,
  members: number,
): { kappa: number; n: number } {
  const at = offset + ((members * (members - 1)) / 2) * K * K;
  const n = sums[at]!;
  const sumP = (sums[at + 1]! - n * members) / (members * (members - 1));
  const totals = [sums[at + 2]!, sums[at + 3]!, sums[at + 4]!];
  return { kappa: fleissFrom(n, members, sumP, totals), n };
}

/** Position of the pair a < b in the (0,1), (0,2), …, (1,2), … order. */
function pairIndex(members: number, a: number, b: number): number {
  const [i, j] = a < b ? [a, b] : [b, a];
  return i * members - (i * (i + 1)) / 2 + (j - i - 1);
}

/** A kappa with the items it rests on and its bootstrap interval (null when it was not resampled). */
export interface KappaEstimate {
  kappa: number;
  /** Items counted: both members rated (Cohen), every member rated (Fleiss). */
  n: number;
  interval: Interval | null;
}

export interface PanelAgreement {
  members: number;
  /** pairwise[a][b]: Cohen's kappa of members a and b (symmetric); null on the diagonal. */
  pairwise: (KappaEstimate | null)[][];
  fleiss: KappaEstimate;
}

/**
 * Pairwise Cohen's kappa and Fleiss' kappa of a panel, with percentile bootstrap intervals over
 * items (seeded; the core's defaults: 1,000 resamples, seed 1, 95%). `results[m][i]` is member m's
 * result on item i (null: no judgment); categories and exclusions as AGREEMENT_CATEGORIES says.
 */
export function panelAgreement(
  results: readonly (readonly (PairResultValue | null)[])[],
  opts: BootstrapOptions = {},
): PanelAgreement {
  const m = results.length;
  const n = Math.max(0, ...results.map((r) => r.length));
  const table = patternTable(
    n,
    agreementWidth(m),
    (i, out) =>
      writeAgreementCounts(
        results.map((r) => ratingOf(r[i])),
        out,
      ),
    agreementBlocks(0, m),
  );
  return agreementOf(table, 0, m, resampleAll(table, agreementStats(0, m), opts));
}

/**
 * The PanelAgreement of a pattern table whose agreement counts start at `offset`, given the
 * intervals of agreementStats(offset, m) in their order.
 */
export function agreementOf(
  table: PatternTable,
  offset: number,
  m: number,
  ivs: readonly Interval[],
): PanelAgreement {
  const pairs: [number, number][] = [];
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) pairs.push([a, b]);
  const pairwise: (KappaEstimate | null)[][] = Array.from({ length: m }, () =>
    Array.from({ length: m }, () => null),
  );
  pairs.forEach(([a, b], p) => {
    const est: KappaEstimate = {
      kappa: ivs[p]!.estimate,
      n: pairCountFromSums(table.sums, offset, m, a, b),
      interval: ivs[p]!,
    };
    pairwise[a]![b] = est;
    pairwise[b]![a] = est;
  });
  const fleiss = fleissFromSums(table.sums, offset, m);
  return { members: m, pairwise, fleiss: { ...fleiss, interval: ivs[pairs.length]! } };
}

/** The figures agreementOf bootstraps, in its order: every pair's kappa (a < b), then Fleiss'. */
export function agreementStats(offset: number, m: number): ((s: Float64Array) => number)[] {
  const stats: ((s: Float64Array) => number)[] = [];
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) stats.push((s) => pairKappaFromSums(s, offset, m, a, b));
  stats.push((s) => fleissFromSums(s, offset, m).kappa);
  return stats;
}
