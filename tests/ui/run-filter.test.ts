// A run's subset filter in words.
import { describe, expect, it } from 'vitest';
import type { RunFilter } from '../../src/lib/store/schema';
import { describeFilter } from '../../src/lib/ui/run-filter';

describe('describeFilter', () => {
  it.each<[RunFilter, string]>([
    [{}, 'all items'],
    [{ from: 0, to: 100 }, 'items 0–99'],
    [{ from: 20 }, 'items 20–end'],
    [{ categories: ['math', 'code'] }, 'category math or code'],
    [{ labels: ['A', 'tie'] }, 'labelled A or tie'],
    [
      { from: 0, to: 100, categories: ['math'], labels: ['B'], limit: 10 },
      'items 0–99, category math, labelled B, first 10',
    ],
  ])('%j → %s', (filter, words) => {
    expect(describeFilter(filter)).toBe(words);
  });
});
