// Stored records read back into a verdict: the same aggregate as live judging, table-driven.
import { describe, expect, test } from 'vitest';
import { fromRecords } from '../../src/lib/review/records';
import type { JudgmentRecord, StoredVerdict } from '../../src/lib/store';
import { makeJudgment } from '../store/fixtures';

function rec(
  order: 'AB' | 'BA',
  verdict: StoredVerdict,
  over: Partial<JudgmentRecord> = {},
): JudgmentRecord {
  return makeJudgment({
    id: `${order}-${over.sample ?? 0}-${Math.random()}`,
    order,
    verdict,
    protocol: 'pairwise',
    ...over,
  });
}

describe('fromRecords', () => {
  test.each([
    ['consistent A', [rec('AB', 'A'), rec('BA', 'A')], 'A', 'consistent'],
    ['consistent tie', [rec('AB', 'tie'), rec('BA', 'tie')], 'tie', 'consistent'],
    ['flipped counts as tie', [rec('AB', 'A'), rec('BA', 'B')], 'tie', 'flipped'],
    ['tie against a winner counts as a flip', [rec('AB', 'B'), rec('BA', 'tie')], 'tie', 'flipped'],
    [
      'one order unparsed: the other decides, marked partial',
      [rec('AB', 'B'), rec('BA', null, { parse: 'failed' })],
      'B',
      'partial',
    ],
    ['one order only', [rec('AB', 'B')], 'B', 'one-order'],
    [
      'unparsed is never a tie',
      [rec('AB', null, { parse: 'failed' }), rec('BA', null, { parse: 'failed' })],
      null,
      'failed',
    ],
    [
      'majority over samples per order',
      [
        rec('AB', 'A'),
        rec('AB', 'A', { sample: 1 }),
        rec('AB', 'B', { sample: 2 }),
        rec('BA', 'A'),
      ],
      'A',
      'consistent',
    ],
  ] as const)('%s', (_name, records, verdict, consistency) => {
    const v = fromRecords([...records]);
    expect(v.pairwise).toBe(true);
    expect(v.verdict).toBe(verdict);
    expect(v.consistency).toBe(consistency);
  });

  test('confidence is the mean probability of the final verdict', () => {
    const v = fromRecords([
      rec('AB', 'A', { probabilities: { A: 0.8, B: 0.2, tie: 0 } }),
      rec('BA', 'A', { probabilities: { A: 0.6, B: 0.3, tie: 0.1 } }),
    ]);
    expect(v.confidence).toBeCloseTo(0.7, 10);
    expect(v.preferenceA).toBeCloseTo((0.8 + 0.65) / 2, 10);
  });

  test('single-answer records give the score summary and no verdict', () => {
    const v = fromRecords([
      makeJudgment({ id: 's0', protocol: 'single', order: 'AB', verdict: null, score: 6 }),
      makeJudgment({
        id: 's1',
        protocol: 'single',
        order: 'AB',
        sample: 1,
        verdict: null,
        score: 8,
      }),
    ]);
    expect(v.pairwise).toBe(false);
    expect(v.verdict).toBeNull();
    expect(v.scores).toMatchObject({ mean: 7, sd: 1, n: 2 });
  });
});

describe('score scale', () => {
  test('a single-answer verdict carries its template scale; a pairwise one none', () => {
    const single = (templateId: string) =>
      fromRecords([rec('AB', null, { protocol: 'single', templateId, score: 4 })]).scoreRange;
    expect(single('meta-rewarding-score')).toEqual([0, 5]);
    expect(single('j1-single')).toEqual([1, 10]);
    expect(fromRecords([rec('AB', 'A')]).scoreRange).toBeUndefined();
  });
});
