// Bradley-Terry strengths from pairwise outcomes, on an Elo-like scale, with bootstrap intervals.
import { mulberry32, type BootstrapOptions, type Interval } from './stats';

export interface Match {
  modelA: string;
  modelB: string;
  /** 1 = A won, 0 = B won, 0.5 = tie (also a flipped pair, as MT-Bench counts it). */
  scoreA: number;
}

/** Elo-like scale of Arena-Hard: 400 points per factor of 10 in odds, centred on 1000. */
const SCALE = 400;
const BASE = 1000;

/**
 * Maximum-likelihood strengths by Hunter's MM iteration, ties as half a win each. Returned as
 * ratings, BASE + SCALE·log10(p / geometric mean of p). A model that never loses has no finite
 * MLE; a small prior (one tie against every other model's average) keeps it finite.
 */
export function bradleyTerry(matches: readonly Match[], iterations = 500): Map<string, number> {
  const models = [...new Set(matches.flatMap((m) => [m.modelA, m.modelB]))];
  const index = new Map(models.map((m, i) => [m, i]));
  const k = models.length;
  const wins = new Array<number>(k).fill(0);
  const games = models.map(() => new Array<number>(k).fill(0));
  for (const m of matches) {
    const a = index.get(m.modelA);
    const b = index.get(m.modelB);
    if (a === undefined || b === undefined || a === b) continue;
    wins[a] = (wins[a] ?? 0) + m.scoreA;
    wins[b] = (wins[b] ?? 0) + 1 - m.scoreA;
    const ra = games[a];
    const rb = games[b];
    if (ra) ra[b] = (ra[b] ?? 0) + 1;
    if (rb) rb[a] = (rb[a] ?? 0) + 1;
  }
  const unbeaten = models.some((_, i) => (wins[i] ?? 0) <= 0 || (wins[i] ?? 0) >= rowSum(games[i]));
  const prior = unbeaten ? 0.5 / Math.max(1, k - 1) : 0;
  let p = new Array<number>(k).fill(1);
  for (let it = 0; it < iterations; it++) {
    const next = p.map((pi, i) => {
      let denom = 0;
      for (let j = 0; j < k; j++) {
        if (j === i) continue;
        const n = (games[i]?.[j] ?? 0) + 2 * prior;
        if (n > 0) denom += n / (pi + (p[j] ?? 1));
      }
      const w = (wins[i] ?? 0) + prior * (k - 1);
      return denom > 0 ? w / denom : pi;
    });
    const g = Math.exp(next.reduce((a, v) => a + Math.log(v), 0) / k);
    p = next.map((v) => v / g);
  }
  return new Map(models.map((m, i) => [m, BASE + SCALE * Math.log10(p[i] ?? 1)]));
}

function rowSum(row: number[] | undefined): number {
  return (row ?? []).reduce((a, b) => a + b, 0);
}

/** Ratings with percentile bootstrap intervals over matches resampled with replacement. */
export function bradleyTerryWithIntervals(
  matches: readonly Match[],
  opts: BootstrapOptions = {},
): Map<string, Interval> {
  const { iterations = 200, seed = 1, alpha = 0.05 } = opts;
  const point = bradleyTerry(matches);
  const samples = new Map<string, number[]>([...point.keys()].map((m) => [m, []]));
  const rand = mulberry32(seed);
  for (let it = 0; it < iterations && matches.length > 0; it++) {
    const sample: Match[] = [];
    for (let i = 0; i < matches.length; i++) {
      sample.push(matches[Math.floor(rand() * matches.length)] as Match);
    }
    for (const [m, r] of bradleyTerry(sample, 200)) samples.get(m)?.push(r);
  }
  const out = new Map<string, Interval>();
  for (const [m, estimate] of point) {
    const xs = (samples.get(m) ?? []).sort((a, b) => a - b);
    const at = (q: number) =>
      xs[Math.min(xs.length - 1, Math.max(0, Math.round(q * (xs.length - 1))))] ?? NaN;
    out.set(m, { estimate, lower: at(alpha / 2), upper: at(1 - alpha / 2) });
  }
  return out;
}
