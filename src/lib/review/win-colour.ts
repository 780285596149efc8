// The background of a win-rate grid cell: wins in the accent colour, losses in red, stronger the further from 50%.

/**
 * A CSS background for a win rate in [0, 1]: undefined when there is none (no games). Above 50%
 * the accent colour, below it the "bad" red, so 0% and 100% never look alike; the mix grows with
 * the distance from 50% (up to 60% at 0% or 100%).
 */
export function winRateBackground(x: number): string | undefined {
  if (!Number.isFinite(x)) return undefined;
  const strength = Math.round(Math.abs(x - 0.5) * 120);
  if (strength === 0) return 'transparent';
  const colour = x > 0.5 ? 'var(--accent)' : 'var(--bad)';
  return `color-mix(in srgb, ${colour} ${strength}%, transparent)`;
}
