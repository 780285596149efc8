// Which groups of a run sit beside LLMBar's published numbers, including a run of one subset (the bundled "Natural" set).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildRows } from '../../src/lib/review/rows';
import { buildDashboard } from '../../src/lib/review/dashboard';
import { parsePublished, referenceGroups } from '../../src/lib/review/reference';
import { sharedDataPath } from '../judge/data';
import { llmbarFixture } from './fixtures';

const published = parsePublished(
  readFileSync(sharedDataPath('llmbar/published_accuracy.csv'), 'utf8'),
);
const sets = new Set(published.map((r) => r.set));

describe('referenceGroups', () => {
  const m = (x: number) => ({ accuracy: x });
  test.each([
    ['no subsets at all', { subsets: [] }, [null, null], []],
    ['one published subset for every row', { subsets: [] }, ['Natural', 'Natural'], ['Natural']],
    ['one unpublished subset', { subsets: [] }, ['Cooking', 'Cooking'], []],
    ['some rows without a subset', { subsets: [] }, ['Natural', null], []],
    [
      'several subsets: the published ones',
      {
        subsets: [
          { name: 'Natural', metrics: m(0.5) },
          { name: 'Cooking', metrics: m(0.4) },
        ],
      },
      ['Natural', 'Cooking'],
      ['Natural'],
    ],
  ])('%s', (_what, d, rowSubsets, names) => {
    const groups = referenceGroups({ overall: { metrics: m(0.9) }, ...d }, rowSubsets, sets);
    expect(groups.map((g) => g.name)).toEqual(names);
  });

  test('a run of LLMBar Natural alone shows its accuracy (mean of both orders) under "Natural"', () => {
    const f = llmbarFixture();
    const natural = f.items.filter((it) => it.meta['subset'] === 'Natural');
    expect(natural.length).toBe(100);
    const ids = new Set(natural.map((it) => it.id));
    const judgments = f.judgments.filter((j) => ids.has(j.itemId));
    const rows = buildRows({ run: f.runs[0], judgments, items: natural, labels: [] }, 'dataset');
    const d = buildDashboard(rows);
    expect(d.subsets).toEqual([]);
    const groups = referenceGroups(
      d,
      rows.map((r) => r.subset),
      sets,
    );
    expect(groups.map((g) => g.name)).toEqual(['Natural']);
    // By hand: each order's share of items judged as labelled, averaged over the two orders.
    const label = new Map(natural.map((it) => [it.id, it.label]));
    const right = judgments.filter((j) => j.verdict === label.get(j.itemId)).length;
    expect(groups[0]!.metrics.accuracyMean).toBeCloseTo(right / (2 * natural.length), 12);
  });
});
