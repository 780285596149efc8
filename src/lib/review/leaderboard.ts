// Leaderboard of the models items name: win rates, Bradley-Terry with intervals, length-controlled ratings, win matrix.
import { combineOrders } from '../judge/aggregate';
import { leaderboard, winRates, type WinRate } from '../judge/metrics';
import { mulberry32, type BootstrapOptions, type Interval } from '../judge/stats';
import { toPairRecord, type ReviewRow } from './rows';

/** One game for the length-controlled fit: who played, the outcome, and the length feature. */
export interface LengthMatch {
  modelA: string;
  modelB: string;
  /** 1 = A won, 0 = B won, 0.5 = tie (a flip counts as a tie, as in the core's toMatches). */
  scoreA: number;
  /** Normalised length difference (lenA − lenB) / (lenA + lenB), in [-1, 1]. */
  lengthDiff: number;
}

export interface LengthControlled {
  ratings: Map<string, Interval>;
  /** Fitted weight of the length feature (log-odds per unit of normalised difference). */
  lengthCoef: Interval;
}

export interface Leaderboard {
  models: string[];
  winRates: WinRate[];
  bradleyTerry: Map<string, Interval>;
  lengthControlled: LengthControlled | null;
  /** matrix[i][j] = win rate of models[i] against models[j] (ties as half), NaN when they never met. */
  matrix: number[][];
  /** games[i][j] = how many games models[i] and models[j] played. */
  games: number[][];
  matches: number;
}

/** Rows as length matches (items with both model names, a final verdict and both answers). */
export function lengthMatches(rows: readonly ReviewRow[]): LengthMatch[] {
  const out: LengthMatch[] = [];
  for (const r of rows) {
    const p = toPairRecord(r);
    if (!p.modelA || !p.modelB || p.lenA === undefined || p.lenB === undefined) continue;
    const v = combineOrders(p.verdictAB, p.verdictBA).verdict;
    if (v === null) continue;
    const total = p.lenA + p.lenB;
    out.push({
      modelA: p.modelA,
      modelB: p.modelB,
      scoreA: v === 'A' ? 1 : v === 'B' ? 0 : 0.5,
      lengthDiff: total === 0 ? 0 : (p.lenA - p.lenB) / total,
    });
  }
  return out;
}

const SCALE = 400 / Math.LN10;
const BASE = 1000;

/**
 * Bradley-Terry as a logistic regression with a length term (Arena-Hard's style control, AlpacaEval
 * LC's idea): logit P(A beats B) = θ_A − θ_B + γ·lengthDiff. Ties count as half a win each way.
 * Fitted by Newton's method with a small ridge (which also pins the otherwise free offset of θ),
 * then centred and put on the core's Elo-like scale (1000 + 400·log10 odds).
 */
export function fitLengthControlled(
  matches: readonly LengthMatch[],
  iterations = 50,
  ridge = 1e-3,
): { ratings: Map<string, number>; lengthCoef: number } {
  const models = [...new Set(matches.flatMap((m) => [m.modelA, m.modelB]))].sort();
  const index = new Map(models.map((m, i) => [m, i]));
  const k = models.length;
  const d = k + 1;
  const w = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(d);
    const hess = Array.from({ length: d }, () => new Float64Array(d));
    for (const m of matches) {
      const a = index.get(m.modelA)!;
      const b = index.get(m.modelB)!;
      if (a === b) continue;
      const z = w[a]! - w[b]! + w[k]! * m.lengthDiff;
      const p = 1 / (1 + Math.exp(-z));
      const r = m.scoreA - p;
      const h = p * (1 - p);
      const x = m.lengthDiff;
      // The design row is (+1 at a, −1 at b, x at k): accumulate its outer product directly.
      grad[a]! += r;
      grad[b]! -= r;
      grad[k]! += r * x;
      const ha = hess[a]!;
      const hb = hess[b]!;
      const hk = hess[k]!;
      ha[a]! += h;
      hb[b]! += h;
      ha[b]! -= h;
      hb[a]! -= h;
      ha[k]! += h * x;
      hk[a]! += h * x;
      hb[k]! -= h * x;
      hk[b]! -= h * x;
      hk[k]! += h * x * x;
    }
    for (let i = 0; i < d; i++) {
      grad[i]! -= ridge * w[i]!;
      hess[i]![i]! += ridge;
    }
    const step = solve(hess, grad);
    let maxStep = 0;
    for (let i = 0; i < d; i++) {
      w[i]! += step[i]!;
      maxStep = Math.max(maxStep, Math.abs(step[i]!));
    }
    if (maxStep < 1e-8) break;
  }
  const mean = models.length === 0 ? 0 : w.slice(0, k).reduce((s, v) => s + v, 0) / k;
  return {
    ratings: new Map(models.map((m, i) => [m, BASE + SCALE * (w[i]! - mean)])),
    lengthCoef: w[k]!,
  };
}

/** Gaussian elimination with partial pivoting; the ridge keeps the matrix positive definite. */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const pv = m[c]![c]!;
    if (Math.abs(pv) < 1e-300) continue;
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / pv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    const pv = m[r]![r]!;
    x[r] = Math.abs(pv) < 1e-300 ? 0 : s / pv;
  }
  return x;
}

function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.round(q * (xs.length - 1))))]!;
}

/** The length-controlled fit with percentile bootstrap intervals over matches (seeded). */
export function lengthControlled(
  matches: readonly LengthMatch[],
  opts: BootstrapOptions = {},
): LengthControlled {
  const { iterations = 100, seed = 1, alpha = 0.05 } = opts;
  const point = fitLengthControlled(matches);
  const samples = new Map<string, number[]>([...point.ratings.keys()].map((m) => [m, []]));
  const coefs: number[] = [];
  const rand = mulberry32(seed);
  for (let it = 0; it < iterations && matches.length > 0; it++) {
    const sample: LengthMatch[] = [];
    for (let i = 0; i < matches.length; i++)
      sample.push(matches[Math.floor(rand() * matches.length)]!);
    const fit = fitLengthControlled(sample, 12);
    for (const [m, r] of fit.ratings) samples.get(m)?.push(r);
    coefs.push(fit.lengthCoef);
  }
  const ratings = new Map<string, Interval>();
  for (const [m, estimate] of point.ratings) {
    const xs = (samples.get(m) ?? []).sort((a, b) => a - b);
    ratings.set(m, {
      estimate,
      lower: percentile(xs, alpha / 2),
      upper: percentile(xs, 1 - alpha / 2),
    });
  }
  coefs.sort((a, b) => a - b);
  return {
    ratings,
    lengthCoef: {
      estimate: point.lengthCoef,
      lower: percentile(coefs, alpha / 2),
      upper: percentile(coefs, 1 - alpha / 2),
    },
  };
}

/**
 * The leaderboard of a run whose items name models. Win rates and Bradley-Terry come straight
 * from the judge core (winRates, leaderboard); null when fewer than two models play.
 */
export function buildLeaderboard(
  rows: readonly ReviewRow[],
  opts: { bootstrap?: BootstrapOptions; lengthControl?: boolean } = {},
): Leaderboard | null {
  const records = rows.map(toPairRecord);
  const rates = winRates(records);
  if (rates.length < 2) return null;
  const bt = leaderboard(records, opts.bootstrap ?? {});
  const models = [...bt.entries()].sort((a, b) => b[1].estimate - a[1].estimate).map(([m]) => m);
  const at = new Map(models.map((m, i) => [m, i]));
  const score = models.map(() => models.map(() => 0));
  const games = models.map(() => models.map(() => 0));
  const lm = lengthMatches(rows);
  let matches = 0;
  for (const r of records) {
    if (!r.modelA || !r.modelB) continue;
    const v = combineOrders(r.verdictAB, r.verdictBA).verdict;
    if (v === null) continue;
    const a = at.get(r.modelA)!;
    const b = at.get(r.modelB)!;
    const s = v === 'A' ? 1 : v === 'B' ? 0 : 0.5;
    games[a]![b]!++;
    games[b]![a]!++;
    score[a]![b]! += s;
    score[b]![a]! += 1 - s;
    matches++;
  }
  const matrix = score.map((row, i) =>
    row.map((s, j) => (games[i]![j]! === 0 ? NaN : s / games[i]![j]!)),
  );
  return {
    models,
    winRates: rates,
    bradleyTerry: bt,
    lengthControlled:
      opts.lengthControl && lm.length > 0
        ? lengthControlled(lm, { ...(opts.bootstrap ?? {}), iterations: 100 })
        : null,
    matrix,
    games,
    matches,
  };
}
