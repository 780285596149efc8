// The compare picker marks runs that share no item with the other chosen run.
import { expect, test } from 'vitest';
import { compareHint } from '../../src/lib/review/compare';

test.each([
  ['nothing chosen yet', { id: 'r1', datasetId: 'd1' }, undefined, ''],
  ['the run itself', { id: 'r1', datasetId: 'd1' }, { id: 'r1', datasetId: 'd1' }, ''],
  ['same dataset', { id: 'r1', datasetId: 'd1' }, { id: 'r2', datasetId: 'd1' }, ''],
  [
    'other dataset',
    { id: 'r1', datasetId: 'd2' },
    { id: 'r2', datasetId: 'd1' },
    ' (other dataset: nothing in common)',
  ],
  [
    'a judged pair beside a dataset run',
    { id: 'p1' },
    { id: 'r2', datasetId: 'd1' },
    ' (a single pair: nothing in common)',
  ],
  ['a pair beside another pair', { id: 'p1' }, { id: 'p2' }, ' (a single pair: nothing in common)'],
])('%s', (_what, run, other, hint) => {
  expect(compareHint(run, other)).toBe(hint);
});
