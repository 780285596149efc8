// Protocol names and scores on their scale, as History and the verdict card show them.
import { expect, test } from 'vitest';
import { formatScore, protocolName, scoreRangeOf } from '../../src/lib/ui/protocol';

test('a template id reads as its protocol name', () => {
  expect(protocolName('meta-rewarding-score', 1)).toBe('Additive 5-point score v1');
  expect(protocolName('j1-pairwise')).toBe('J1 pairwise');
  expect(protocolName('no-such-template', 2)).toBe('no-such-template v2');
});

test.each([
  ['meta-rewarding-score', 4, '4/5'],
  ['prometheus-absolute', 3, '3/5'],
  ['j1-single', 7, '7/10'],
  ['auto-j-single', 7.5, '7.5/10'],
  ['j1-single', 7.666666, '7.67/10'],
  ['mt-bench-single', 10, '10/10'],
])('%s scores %d as %s', (id, score, shown) => {
  expect(formatScore(score, scoreRangeOf(id))).toBe(shown);
});

test('without a scale the bare number shows', () => {
  expect(scoreRangeOf('j1-pairwise')).toBeNull();
  expect(formatScore(4, null)).toBe('4');
});
