// Statistics the metrics rest on: a seeded RNG, bootstrap intervals, kappa and correlations.

/** mulberry32: a small, fast seeded PRNG; the same seed gives the same intervals everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface BootstrapOptions {
  iterations?: number;
  seed?: number;
  /** 0.05 gives a 95% interval. */
  alpha?: number;
}

/**
 * The q-quantile of ascending values by linear interpolation between order statistics (numpy's
 * default, Hyndman-Fan type 7): position (n − 1)·q. Every percentile interval in Arbiter uses it.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (pos - lo);
}

/** Percentile bootstrap of `stat` over items resampled with replacement. NaN resamples are skipped. */
export function bootstrap<T>(
  items: readonly T[],
  stat: (sample: T[]) => number,
  opts: BootstrapOptions = {},
): Interval {
  const { iterations = 1000, seed = 1, alpha = 0.05 } = opts;
  const estimate = stat([...items]);
  const rand = mulberry32(seed);
  const values: number[] = [];
  for (let it = 0; it < iterations && items.length > 0; it++) {
    const sample: T[] = [];
    for (let i = 0; i < items.length; i++) {
      sample.push(items[Math.floor(rand() * items.length)] as T);
    }
    const v = stat(sample);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  return { estimate, lower: quantile(values, alpha / 2), upper: quantile(values, 1 - alpha / 2) };
}

/** Cohen's kappa between two raters; null (a failed parse) is a category of its own. */
export function cohenKappa<T>(a: readonly (T | null)[], b: readonly (T | null)[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return NaN;
  const key = (v: T | null) => (v === null ? '\u0000failed' : String(v));
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const ka = key(a[i] ?? null);
    const kb = key(b[i] ?? null);
    if (ka === kb) agree++;
    ca.set(ka, (ca.get(ka) ?? 0) + 1);
    cb.set(kb, (cb.get(kb) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [k, v] of ca) pe += (v / n) * ((cb.get(k) ?? 0) / n);
  return pe === 1 ? (po === 1 ? 1 : NaN) : (po - pe) / (1 - pe);
}

function paired(x: readonly number[], y: readonly number[]): [number[], number[]] {
  const n = Math.min(x.length, y.length);
  return [x.slice(0, n), y.slice(0, n)];
}

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const [x, y] = paired(xs, ys);
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Ranks from 1, tied values sharing their average rank. */
export function averageRanks(xs: readonly number[]): number[] {
  const idx = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(xs.length).fill(0);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]?.[0] === idx[i]?.[0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]?.[1] ?? 0] = rank;
    i = j + 1;
  }
  return ranks;
}

export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const [x, y] = paired(xs, ys);
  return pearson(averageRanks(x), averageRanks(y));
}

/** Kendall's tau-b, which corrects for ties in either variable (scores on a 1-10 scale tie a lot). */
export function kendallTauB(xs: readonly number[], ys: readonly number[]): number {
  const [x, y] = paired(xs, ys);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign((x[i] ?? 0) - (x[j] ?? 0));
      const dy = Math.sign((y[i] ?? 0) - (y[j] ?? 0));
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}

export function meanAbsoluteError(xs: readonly number[], ys: readonly number[]): number {
  const [x, y] = paired(xs, ys);
  if (x.length === 0) return NaN;
  return x.reduce((a, v, i) => a + Math.abs(v - (y[i] ?? 0)), 0) / x.length;
}
