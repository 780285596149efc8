// Sizes, durations and rates as the UI prints them.
import { expect, test } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatPercent,
  formatRate,
  verdictText,
} from '../../src/lib/ui/format';

test.each([
  [null, '—'],
  [512, '512 B'],
  [1536, '1.5 KB'],
  [1024 ** 3, '1.0 GB'],
  [2.5 * 1024 ** 3, '2.5 GB'],
  [300 * 1024 ** 2, '300 MB'],
])('formatBytes(%s) = %s', (n, s) => expect(formatBytes(n)).toBe(s));

test.each([
  [null, '—'],
  [250, '250 ms'],
  [1500, '1.5 s'],
  [125_000, '2 min 5 s'],
  [3_720_000, '1 h 2 min'],
])('formatDuration(%s) = %s', (ms, s) => expect(formatDuration(ms)).toBe(s));

test('rates and percentages', () => {
  expect(formatRate(42.345)).toBe('42.3 tok/s');
  expect(formatRate(1234.5)).toBe('1235 tok/s');
  expect(formatRate(null)).toBe('—');
  // Under 1 tok/s (software adapters): two significant digits, not "0.1".
  expect(formatRate(0.054)).toBe('0.054 tok/s');
  expect(formatRate(0.1234)).toBe('0.12 tok/s');
  expect(formatRate(0.96)).toBe('0.96 tok/s');
  expect(formatRate(0)).toBe('0 tok/s');
  expect(formatPercent(0.6789)).toBe('68%');
  expect(formatPercent(0.6789, 1)).toBe('67.9%');
});

test('verdicts as the review pages say them', () => {
  expect(verdictText(undefined)).toBe('not run');
  expect(verdictText(null)).toBe('no verdict');
  expect(verdictText('tie')).toBe('tie');
  expect(verdictText('A')).toBe('A better');
});
