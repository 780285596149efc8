// Leaderboard of the models items name: win rates, Bradley-Terry with intervals, length-controlled ratings, win matrix.
import { combineOrders } from '../judge/aggregate';
import { solveLinear } from '../judge/linear';
import type { BradleyTerryResult } from '../judge/bradley-terry';
import {
  leaderboard,
  winRates,
  type PairRecord,
  type WinRate,
  type Weighting,
} from '../judge/metrics';
import { mulberry32, quantile, type BootstrapOptions, type Interval } from '../judge/stats';
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
  /** How the ratings were fitted: who met whom, unbeaten or winless models, the prior. */
  fit: Omit<BradleyTerryResult, 'ratings'>;
  /** How verdicts were counted as games for the ratings. */
  weighting: Weighting;
  /** Judgments with a strong verdict (A>>B): when there are none, both weightings agree. */
  strongVerdicts: number;
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
    const step = solveLinear(hess, grad);
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
      lower: quantile(xs, alpha / 2),
      upper: quantile(xs, 1 - alpha / 2),
    });
  }
  coefs.sort((a, b) => a - b);
  return {
    ratings,
    lengthCoef: {
      estimate: point.lengthCoef,
      lower: quantile(coefs, alpha / 2),
      upper: quantile(coefs, 1 - alpha / 2),
    },
  };
}

/**
 * The record with each order's verdict strength: that of the order's first judgment (by sample)
 * whose verdict is the order's verdict, so several samples never add up to a stronger verdict.
 */
function withStrengths(
  row: ReviewRow,
  rec: PairRecord,
  strengths: ReadonlyMap<string, number>,
): PairRecord {
  if (strengths.size === 0) return rec;
  for (const order of ['AB', 'BA'] as const) {
    const v = order === 'AB' ? row.verdictAB : row.verdictBA;
    const j = row.judgments.find((x) => x.order === order && x.verdict === v);
    const s = j ? strengths.get(j.id) : undefined;
    if (s === undefined) continue;
    // toPairRecord moves a lone BA verdict into verdictAB: its strength follows it.
    if (order === 'AB' || row.verdictAB === undefined) rec.strengthAB = s;
    else rec.strengthBA = s;
  }
  return rec;
}

/**
 * The leaderboard of a run whose items name models. Win rates and Bradley-Terry come straight
 * from the judge core (winRates, leaderboard); null when fewer than two models play.
 */
export function buildLeaderboard(
  rows: readonly ReviewRow[],
  opts: {
    bootstrap?: BootstrapOptions;
    lengthControl?: boolean;
    weighting?: Weighting;
    /** Strength of each judgment by id, where the protocol grades verdicts (see strengthsOf). */
    strengths?: ReadonlyMap<string, number>;
  } = {},
): Leaderboard | null {
  const weighting = opts.weighting ?? 'plain';
  const strengths = opts.strengths ?? new Map<string, number>();
  const records = rows.map((r) => withStrengths(r, toPairRecord(r), strengths));
  const rates = winRates(records);
  if (rates.length < 2) return null;
  const { ratings: bt, ...fit } = leaderboard(records, opts.bootstrap ?? {}, weighting);
  const models = [...bt.entries()].sort((a, b) => b[1].estimate - a[1].estimate).map(([m]) => m);
  let strongVerdicts = 0;
  for (const s of strengths.values()) if (s >= 2) strongVerdicts++;
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
    fit,
    weighting,
    strongVerdicts,
    lengthControlled:
      opts.lengthControl && lm.length > 0
        ? lengthControlled(lm, { ...(opts.bootstrap ?? {}), iterations: 100 })
        : null,
    matrix,
    games,
    matches,
  };
}
