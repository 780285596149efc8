// pairOutcome and labelAgreement, table-driven: a pair's result and agreement with labels, by hand.
import { describe, expect, test } from 'vitest';
import {
  labelAgreement,
  pairOutcome,
  type JudgmentLike,
  type PairResultValue,
} from '../../src/lib/judge/outcome';
import type { Verdict } from '../../src/lib/judge/types';

type V = Verdict | null;
const pw = (ab: V[], ba: V[]): JudgmentLike[] => [
  ...ab.map((verdict) => ({ protocol: 'pairwise', order: 'AB' as const, verdict })),
  ...ba.map((verdict) => ({ protocol: 'pairwise', order: 'BA' as const, verdict })),
];

describe('pairOutcome', () => {
  const cases: [string, JudgmentLike[], unknown, PairResultValue, string | null, boolean | null][] =
    [
      ['consistent A, label A', pw(['A'], ['A']), 'A', 'A', 'consistent', true],
      ['consistent B, label A', pw(['B'], ['B']), 'A', 'B', 'consistent', false],
      [
        'flipped, label tie: a flip never agrees',
        pw(['A'], ['B']),
        'tie',
        'flipped',
        'flipped',
        false,
      ],
      ['tie both orders, label tie', pw(['tie'], ['tie']), 'tie', 'tie', 'consistent', true],
      [
        'failed both orders: no verdict, agreement unknown',
        pw([null], [null]),
        'A',
        'failed',
        'failed',
        null,
      ],
      ['one order failed: the other decides', pw([null], ['B']), 'B', 'B', 'partial', true],
      ['one order run', pw(['A'], []), 'B', 'A', 'one-order', false],
      ['majority of samples per order', pw(['A', 'B', 'A'], ['A']), 'A', 'A', 'consistent', true],
      [
        'split samples: no majority in AB, BA decides',
        pw(['A', 'B'], ['B']),
        'B',
        'B',
        'partial',
        true,
      ],
      ['no label', pw(['A'], ['A']), null, 'A', 'consistent', null],
      ['a score label is not a pairwise label', pw(['A'], ['A']), 4, 'A', 'consistent', null],
      [
        'meta protocol is pairwise',
        [{ protocol: 'meta', order: 'AB', verdict: 'B' }],
        'B',
        'B',
        'one-order',
        true,
      ],
    ];
  test.each(cases)('%s', (_name, js, label, result, consistency, correct) => {
    const o = pairOutcome(js, label);
    expect([o.result, o.consistency, o.correct]).toEqual([result, consistency, correct]);
  });

  test('single answers: the mean score, or failed; never a label agreement', () => {
    const single = (scores: (number | null)[]): JudgmentLike[] =>
      scores.map((score) => ({ protocol: 'single', order: 'AB', verdict: null, score }));
    // (3 + 4 + 5) / 3 = 4; a missing score is left out.
    expect(pairOutcome(single([3, 4, null, 5]), 4)).toMatchObject({ result: 4, correct: null });
    expect(pairOutcome(single([null]), 4)).toMatchObject({ result: 'failed', correct: null });
  });
});

describe('labelAgreement', () => {
  test('accuracy over parsed verdicts with failures beside it; strict counts failures as wrong', () => {
    // The case ("0.0% (0 of 2)"): both labelled items failed to parse, so nothing to score.
    expect(
      labelAgreement([
        { label: 'A', correct: null },
        { label: 'B', correct: null },
      ]),
    ).toEqual({
      labelled: 2,
      parsed: 0,
      failed: 2,
      agree: 0,
      accuracy: null,
      strictAccuracy: 0,
    });
    // 6 labelled: 3 agree, 2 disagree, 1 failed; 1 unlabelled item is not counted.
    expect(
      labelAgreement([
        { label: 'A', correct: true },
        { label: 'tie', correct: true },
        { label: 'B', correct: true },
        { label: 'A', correct: false },
        { label: 'A', correct: false },
        { label: 'B', correct: null },
        { label: null, correct: null },
      ]),
    ).toEqual({
      labelled: 6,
      parsed: 5,
      failed: 1,
      agree: 3,
      accuracy: 3 / 5,
      strictAccuracy: 3 / 6,
    });
    expect(labelAgreement([])).toMatchObject({ labelled: 0, accuracy: null, strictAccuracy: null });
  });
});
