// Win-rate grid colours: a win and a loss of the same size share the strength but not the colour.
import { expect, test } from 'vitest';
import { winRateBackground } from '../../src/lib/review/win-colour';

test.each([
  [1, 'color-mix(in srgb, var(--accent) 60%, transparent)'],
  [0, 'color-mix(in srgb, var(--bad) 60%, transparent)'],
  [0.75, 'color-mix(in srgb, var(--accent) 30%, transparent)'],
  [0.25, 'color-mix(in srgb, var(--bad) 30%, transparent)'],
  [0.5, 'transparent'],
  [NaN, undefined],
])('%s → %s', (x, css) => {
  expect(winRateBackground(x)).toBe(css);
});

test('0% and 100% cells differ', () => {
  expect(winRateBackground(0)).not.toBe(winRateBackground(1));
});
