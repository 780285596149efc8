// Rounding of stored numbers: timings to whole milliseconds and rates to two decimals.
import type { GenerateUsage } from '../judge/port';

export const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Usage with timings in whole milliseconds and rates to two decimals: clocks give values like
 * 745.8000000000466 ms, whose digits carry no information.
 */
export function roundUsage(u: GenerateUsage): GenerateUsage {
  const r2 = (x: number | null) => (x === null ? null : round(x, 2));
  return {
    ...u,
    prefillTokensPerS: r2(u.prefillTokensPerS),
    decodeTokensPerS: r2(u.decodeTokensPerS),
    timeToFirstTokenMs: u.timeToFirstTokenMs === null ? null : Math.round(u.timeToFirstTokenMs),
    totalMs: Math.round(u.totalMs),
  };
}
