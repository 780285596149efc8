// Bradley-Terry ratings as Arena-Hard fits them (logistic maximum likelihood on an Elo scale), with bootstrap intervals and a report of when the MLE does not exist.
import { solveLinear } from './linear';
import { mulberry32, quantile, type BootstrapOptions, type Interval } from './stats';

export interface Match {
  modelA: string;
  modelB: string;
  /** 1 = A won, 0 = B won, 0.5 = tie (also a flipped pair, as MT-Bench counts it). */
  scoreA: number;
}

/**
 * Arena-Hard's Elo scale (compute_mle_elo: SCALE 400, BASE 10): 400 points per factor of 10 in
 * the odds. Arena-Hard pins its baseline model at 1000; Arbiter has no baseline, so the mean
 * rating is 1000. Only differences matter, and they are the same either way.
 */
const POINTS_PER_NAT = 400 / Math.LN10;
const CENTRE = 1000;

/**
 * The prior used when the plain MLE does not exist: every model is credited with this many
 * virtual ties against a reference player rated at the centre. It is the same in the estimate and
 * in every bootstrap resample (see bradleyTerryWithIntervals).
 */
export const PRIOR_TIES = 1;

/** Who met whom, and whether the plain maximum-likelihood ratings exist. */
export interface Comparability {
  /** Connected groups of the comparison graph (models that met, directly or through others), largest first. */
  groups: string[][];
  /**
   * Sets of models that lost no point (no loss, no tie) to any model outside the set: one model
   * that won every game, or models that only lost among themselves. Their MLE is +∞ against the rest.
   */
  unbeaten: string[][];
  /** Sets of models that took no point from any model outside the set: their MLE is −∞. */
  winless: string[][];
  /** The plain MLE exists: one group, and every model took points, directly or around a cycle, off every other. */
  mleExists: boolean;
}

/** Games and A's score per unordered pair of models: the only statistics the likelihood needs. */
interface PairTable {
  k: number;
  /** Pair (i, j), i < j, at i·k + j. */
  games: Float64Array;
  /** Score of the lower-index model of the pair. */
  score: Float64Array;
}

function table(k: number): PairTable {
  return { k, games: new Float64Array(k * k), score: new Float64Array(k * k) };
}

function add(t: PairTable, a: number, b: number, scoreA: number): void {
  if (a === b) return;
  const [i, j, s] = a < b ? [a, b, scoreA] : [b, a, 1 - scoreA];
  t.games[i * t.k + j]! += 1;
  t.score[i * t.k + j]! += s;
}

/** Strongly connected components of "took points from", by Kosaraju; component index per model. */
function components(t: PairTable, edge: (i: number, j: number) => boolean): number[] {
  const k = t.k;
  const seen = new Array<boolean>(k).fill(false);
  const order: number[] = [];
  const visit = (v: number) => {
    seen[v] = true;
    for (let w = 0; w < k; w++) if (!seen[w] && edge(v, w)) visit(w);
    order.push(v);
  };
  for (let v = 0; v < k; v++) if (!seen[v]) visit(v);
  const comp = new Array<number>(k).fill(-1);
  let c = 0;
  const assign = (v: number) => {
    comp[v] = c;
    for (let w = 0; w < k; w++) if (comp[w] === -1 && edge(w, v)) assign(w);
  };
  for (let i = k - 1; i >= 0; i--) {
    const v = order[i]!;
    if (comp[v] === -1) {
      assign(v);
      c++;
    }
  }
  return comp;
}

const gamesOf = (t: PairTable, i: number, j: number) =>
  i < j ? t.games[i * t.k + j]! : t.games[j * t.k + i]!;
/** Points i took from j. */
const pointsOf = (t: PairTable, i: number, j: number) =>
  i < j ? t.score[i * t.k + j]! : t.games[j * t.k + i]! - t.score[j * t.k + i]!;

/**
 * Whether the plain MLE exists: every model took points, directly or around a cycle, off every
 * other (Zermelo's and Ford's condition; a tie gives points both ways).
 */
function mleExists(t: PairTable): boolean {
  const circle = components(t, (i, j) => pointsOf(t, i, j) > 0);
  return circle.every((c) => c === 0);
}

function comparability(t: PairTable, models: readonly string[]): Comparability {
  const met = components(t, (i, j) => gamesOf(t, i, j) > 0);
  const took = (i: number, j: number) => pointsOf(t, i, j) > 0;
  const circle = components(t, took);
  const unbeaten = new Map<number, string[]>();
  const winless = new Map<number, string[]>();
  const k = t.k;
  for (let i = 0; i < k; i++) {
    // Only a group with more than one circle has a direction to diverge in.
    const split = models.some((_, j) => met[j] === met[i] && circle[j] !== circle[i]);
    if (!split) continue;
    let lost = false;
    let won = false;
    for (let j = 0; j < k; j++) {
      if (circle[j] === circle[i]) continue;
      for (let m = 0; m < k; m++) {
        if (circle[m] !== circle[i]) continue;
        if (took(j, m)) lost = true;
        if (took(m, j)) won = true;
      }
    }
    const c = circle[i]!;
    if (!lost) unbeaten.set(c, [...(unbeaten.get(c) ?? []), models[i]!]);
    if (!won) winless.set(c, [...(winless.get(c) ?? []), models[i]!]);
  }
  const byGroup = new Map<number, string[]>();
  models.forEach((m, i) => byGroup.set(met[i]!, [...(byGroup.get(met[i]!) ?? []), m]));
  const groups = [...byGroup.values()].sort((a, b) => b.length - a.length);
  return {
    groups,
    unbeaten: [...unbeaten.values()],
    winless: [...winless.values()],
    mleExists: new Set(circle).size <= 1,
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logSigmoid = (z: number) =>
  z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));

/**
 * Log-likelihood of strengths θ (natural log-odds): Σ over pairs of s·log σ(θi − θj) + (n − s)·
 * log σ(θj − θi), a tie being half a win each way, as Arena-Hard's duplicated battles make it;
 * plus `prior` virtual ties of each model against a reference at θ = 0.
 */
function logLikelihood(t: PairTable, theta: Float64Array, prior: number): number {
  const k = t.k;
  let ll = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const n = t.games[i * k + j]!;
      if (n === 0) continue;
      const s = t.score[i * k + j]!;
      const z = theta[i]! - theta[j]!;
      ll += s * logSigmoid(z) + (n - s) * logSigmoid(-z);
    }
    if (prior > 0) ll += (prior / 2) * (logSigmoid(theta[i]!) + logSigmoid(-theta[i]!));
  }
  return ll;
}

/**
 * Maximum (penalised) likelihood strengths by Newton's method with step halving, centred on 0.
 * Without a prior the likelihood is flat along a common shift, so the last strength is held at 0
 * while fitting; the caller only fits that way when the MLE exists.
 */
function fit(t: PairTable, prior: number): Float64Array {
  const k = t.k;
  const theta = new Float64Array(k);
  const pinned = prior > 0 ? -1 : k - 1;
  let ll = logLikelihood(t, theta, prior);
  for (let it = 0; it < 100; it++) {
    const grad = new Float64Array(k);
    const info = Array.from({ length: k }, () => new Float64Array(k));
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const n = t.games[i * k + j]!;
        if (n === 0) continue;
        const p = sigmoid(theta[i]! - theta[j]!);
        const r = t.score[i * k + j]! - n * p;
        const h = n * p * (1 - p);
        grad[i]! += r;
        grad[j]! -= r;
        info[i]![i]! += h;
        info[j]![j]! += h;
        info[i]![j]! -= h;
        info[j]![i]! -= h;
      }
      if (prior > 0) {
        const p = sigmoid(theta[i]!);
        grad[i]! += prior * (0.5 - p);
        info[i]![i]! += prior * p * (1 - p);
      }
    }
    if (pinned >= 0) {
      grad[pinned] = 0;
      info[pinned]!.fill(0);
      for (let i = 0; i < k; i++) info[i]![pinned] = 0;
      info[pinned]![pinned] = 1;
    }
    const step = solveLinear(info, grad);
    let size = 1;
    let next = theta.map((v, i) => v + step[i]!);
    let nextLl = logLikelihood(t, next, prior);
    while (nextLl < ll - 1e-12 && size > 1e-6) {
      size /= 2;
      next = theta.map((v, i) => v + size * step[i]!);
      nextLl = logLikelihood(t, next, prior);
    }
    const moved = Math.max(0, ...next.map((v, i) => Math.abs(v - theta[i]!)));
    theta.set(next);
    ll = nextLl;
    if (moved < 1e-10) break;
  }
  const mean = k === 0 ? 0 : theta.reduce((a, v) => a + v, 0) / k;
  return theta.map((v) => v - mean);
}

function modelsOf(matches: readonly Match[]): { models: string[]; index: Map<string, number> } {
  const models = [...new Set(matches.flatMap((m) => [m.modelA, m.modelB]))];
  return { models, index: new Map(models.map((m, i) => [m, i])) };
}

function tableOf(matches: readonly Match[], index: Map<string, number>, k: number): PairTable {
  const t = table(k);
  for (const m of matches) add(t, index.get(m.modelA)!, index.get(m.modelB)!, m.scoreA);
  return t;
}

const toRatings = (models: readonly string[], theta: Float64Array) =>
  new Map(models.map((m, i) => [m, CENTRE + POINTS_PER_NAT * theta[i]!]));

/** Who met whom in these games, and whether the plain MLE exists. */
export function comparabilityOf(matches: readonly Match[]): Comparability {
  const { models, index } = modelsOf(matches);
  return comparability(tableOf(matches, index, models.length), models);
}

/**
 * Bradley-Terry ratings (mean 1000, 400 points per factor of 10 in odds). `prior` virtual ties
 * per model (see PRIOR_TIES); by default none when the MLE exists, PRIOR_TIES when it does not.
 */
export function bradleyTerry(
  matches: readonly Match[],
  opts: { prior?: number } = {},
): Map<string, number> {
  const { models, index } = modelsOf(matches);
  const t = tableOf(matches, index, models.length);
  const prior = opts.prior ?? (mleExists(t) ? 0 : PRIOR_TIES);
  return toRatings(models, fit(t, prior));
}

export interface BradleyTerryResult {
  ratings: Map<string, Interval>;
  comparability: Comparability;
  /** Virtual ties per model in every fit: 0 (the plain MLE, as Arena-Hard) or PRIOR_TIES. */
  prior: number;
  /** Bootstrap resamples in which the plain MLE does not exist. */
  resamplesWithoutMle: number;
  resamples: number;
}

/**
 * Ratings with percentile bootstrap intervals over games resampled with replacement (Arena-Hard's
 * get_bootstrap_result; the interval is the alpha/2 and 1 − alpha/2 quantiles, 2.5% and 97.5% by
 * default). One prior for all fits: the plain MLE everywhere when it exists for the data and for
 * every resample; otherwise PRIOR_TIES in the estimate and in every resample alike, so an
 * interval never mixes fits with and without it.
 */
export function bradleyTerryWithIntervals(
  matches: readonly Match[],
  opts: BootstrapOptions = {},
): BradleyTerryResult {
  const { iterations = 200, seed = 1, alpha = 0.05 } = opts;
  const { models, index } = modelsOf(matches);
  const k = models.length;
  const full = tableOf(matches, index, k);
  const comp = comparability(full, models);
  const rand = mulberry32(seed);
  const samples: PairTable[] = [];
  let withoutMle = 0;
  for (let it = 0; it < iterations && matches.length > 0; it++) {
    const t = table(k);
    for (let i = 0; i < matches.length; i++) {
      const m = matches[Math.floor(rand() * matches.length)]!;
      add(t, index.get(m.modelA)!, index.get(m.modelB)!, m.scoreA);
    }
    // A model missing from a resample is its own group there, so it counts as no MLE too.
    if (!mleExists(t)) withoutMle++;
    samples.push(t);
  }
  const prior = comp.mleExists && withoutMle === 0 ? 0 : PRIOR_TIES;
  const point = fit(full, prior);
  const draws = models.map(() => [] as number[]);
  for (const t of samples) {
    const theta = fit(t, prior);
    // A model absent from a resample has no rating there (only the prior would place it).
    for (let i = 0; i < k; i++) {
      let played = false;
      for (let j = 0; j < k && !played; j++) played = gamesOf(t, i, j) > 0;
      if (played) draws[i]!.push(CENTRE + POINTS_PER_NAT * theta[i]!);
    }
  }
  const ratings = new Map<string, Interval>();
  models.forEach((m, i) => {
    const xs = draws[i]!.sort((a, b) => a - b);
    ratings.set(m, {
      estimate: CENTRE + POINTS_PER_NAT * point[i]!,
      lower: quantile(xs, alpha / 2),
      upper: quantile(xs, 1 - alpha / 2),
    });
  });
  return {
    ratings,
    comparability: comp,
    prior,
    resamplesWithoutMle: withoutMle,
    resamples: samples.length,
  };
}
