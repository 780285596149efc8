// How review numbers are written on screen (tests format the core's numbers the same way to compare).
import type { Interval } from '../judge/stats';

/** A rate as a percentage with one decimal, or an em dash when undefined (no data). */
export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : `${(x * 100).toFixed(digits)}%`;
}

/** A 95% interval of a rate, "66.1–75.8%", or an em dash. */
export function pctInterval(iv: Interval | null | undefined): string {
  if (!iv || !Number.isFinite(iv.lower) || !Number.isFinite(iv.upper)) return '—';
  return `${(iv.lower * 100).toFixed(1)}–${(iv.upper * 100).toFixed(1)}%`;
}

/** A plain number with `digits` decimals (kappa, ratings), or an em dash. */
export function fixed(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** An interval of plain numbers. */
export function fixedInterval(iv: Interval | null | undefined, digits = 3): string {
  if (!iv || !Number.isFinite(iv.lower) || !Number.isFinite(iv.upper)) return '—';
  return `${iv.lower.toFixed(digits)} to ${iv.upper.toFixed(digits)}`;
}

/** Milliseconds as "1 h 2 min", "3.4 min", "12.3 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
