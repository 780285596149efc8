// Panel aggregation rules, table-driven: majority with ties, flips, failures and missing members; mean; learned weights.
import { describe, expect, it } from 'vitest';
import type { PairResultValue } from '../../src/lib/judge/outcome';
import {
  aggregatePanel,
  fitWeights,
  panelAgrees,
  splitItems,
  type NoVerdictReason,
} from '../../src/lib/judge/panel';
import type { Verdict } from '../../src/lib/judge/types';

type V = PairResultValue | null;

describe('majority rule', () => {
  // members, ties allowed, expected result, noVerdict, voters, abstained, missing, split
  const cases: [
    string,
    V[],
    boolean,
    Verdict | null,
    NoVerdictReason | null,
    number[],
    [number, string][],
    number[],
    boolean,
  ][] = [
    ['unanimous A', ['A', 'A', 'A'], true, 'A', null, [0, 1, 2], [], [], false],
    ['two against one', ['A', 'B', 'A'], true, 'A', null, [0, 1, 2], [], [], true],
    [
      'plurality of three ways',
      ['B', 'tie', 'B', 'A'],
      true,
      'B',
      null,
      [0, 1, 2, 3],
      [],
      [],
      true,
    ],
    [
      'tie is a verdict like any other',
      ['tie', 'tie', 'A'],
      true,
      'tie',
      null,
      [0, 1, 2],
      [],
      [],
      true,
    ],
    ['A and B level, ties allowed: tie', ['A', 'B'], true, 'tie', null, [0, 1], [], [], true],
    [
      'A and B level, ties not allowed: none',
      ['A', 'B'],
      false,
      null,
      'deadlock',
      [0, 1],
      [],
      [],
      true,
    ],
    [
      'A, B, tie level, ties allowed: tie',
      ['A', 'B', 'tie'],
      true,
      'tie',
      null,
      [0, 1, 2],
      [],
      [],
      true,
    ],
    ['A level with tie: none', ['A', 'tie'], true, null, 'deadlock', [0, 1], [], [], true],
    [
      "ties not allowed: a member's tie abstains",
      ['A', 'tie', 'tie'],
      false,
      'A',
      null,
      [0],
      [
        [1, 'tie-not-allowed'],
        [2, 'tie-not-allowed'],
      ],
      [],
      true,
    ],
    [
      'a flipped member abstains',
      ['A', 'flipped', 'B', 'B'],
      true,
      'B',
      null,
      [0, 2, 3],
      [[1, 'flipped']],
      [],
      true,
    ],
    [
      'a failed member abstains',
      ['failed', 'A', 'failed'],
      true,
      'A',
      null,
      [1],
      [
        [0, 'failed'],
        [2, 'failed'],
      ],
      [],
      false,
    ],
    [
      'a flip beside one vote splits',
      ['A', 'flipped'],
      true,
      'A',
      null,
      [0],
      [[1, 'flipped']],
      [],
      true,
    ],
    ['a missing member is absent', [null, 'B', 'B'], true, 'B', null, [1, 2], [], [0], false],
    [
      'missing and failed',
      [null, 'failed', 'A'],
      true,
      'A',
      null,
      [2],
      [[1, 'failed']],
      [0],
      false,
    ],
    [
      'all flip: none',
      ['flipped', 'flipped', 'flipped'],
      true,
      null,
      'all-abstained',
      [],
      [
        [0, 'flipped'],
        [1, 'flipped'],
        [2, 'flipped'],
      ],
      [],
      false,
    ],
    [
      'all abstain, some missing: none',
      ['failed', null, 'flipped'],
      true,
      null,
      'all-abstained',
      [],
      [
        [0, 'failed'],
        [2, 'flipped'],
      ],
      [1],
      false,
    ],
    [
      'every member missing: none',
      [null, null, null],
      true,
      null,
      'no-members',
      [],
      [],
      [0, 1, 2],
      false,
    ],
    ['no members at all: none', [], true, null, 'no-members', [], [], [], false],
  ];
  it.each(cases)(
    '%s',
    (_name, members, tiesAllowed, result, noVerdict, voters, abstained, missing, split) => {
      const r = aggregatePanel(members, { rule: 'majority', tiesAllowed });
      expect(r.rule).toBe('majority');
      expect(r.result).toBe(result);
      expect(r.noVerdict).toBe(noVerdict);
      expect(r.voters).toEqual(voters);
      expect(r.abstained.map((a) => [a.member, a.reason])).toEqual(abstained);
      expect(r.missing).toEqual(missing);
      expect(r.split).toBe(split);
    },
  );

  it('counts the votes per verdict', () => {
    const r = aggregatePanel(['A', 'B', 'A', 'tie', 'flipped', null], { rule: 'majority' });
    expect(r.votes).toEqual({ A: 2, B: 1, tie: 1 });
  });
});

describe('panelAgrees: the panel against a label, as one judge is counted', () => {
  const cases: [string, V[], boolean, Verdict | null, boolean | null][] = [
    ['right', ['A', 'A', 'B'], true, 'A', true],
    ['wrong', ['A', 'A', 'B'], true, 'B', false],
    ['A/B level makes a tie: right on a tie label', ['A', 'B'], true, 'tie', true],
    ['deadlock with verdicts read is wrong', ['A', 'B'], false, 'A', false],
    [
      'every member flipped is wrong (a flip never agrees)',
      ['flipped', 'flipped'],
      true,
      'A',
      false,
    ],
    ['every member failed: not read', ['failed', 'failed'], true, 'A', null],
    ['every member missing: not read', [null, null], true, 'A', null],
    ['no label', ['A', 'A'], true, null, null],
  ];
  it.each(cases)('%s', (_n, members, tiesAllowed, label, expected) => {
    expect(panelAgrees(aggregatePanel(members, { rule: 'majority', tiesAllowed }), label)).toBe(
      expected,
    );
  });
});

describe('mean rule (single answer)', () => {
  const cases: [string, V[], number | null, number[], number[], NoVerdictReason | null, boolean][] =
    [
      ['mean of three', [4, 5, 9], 6, [0, 1, 2], [], null, true],
      ['a failed member is left out', [4, 'failed', 8], 6, [0, 2], [], null, true],
      ['a missing member is left out', [null, 7, 7], 7, [1, 2], [0], null, false],
      ['all failed: none', ['failed', 'failed'], null, [], [], 'all-abstained', false],
      ['all missing: none', [null, null], null, [], [0, 1], 'no-members', false],
    ];
  it.each(cases)('%s', (_n, members, result, voters, missing, noVerdict, split) => {
    const r = aggregatePanel(members, { rule: 'mean' });
    expect(r.result).toBe(result);
    expect(r.voters).toEqual(voters);
    expect(r.voters.length).toBe(voters.length);
    expect(r.missing).toEqual(missing);
    expect(r.noVerdict).toBe(noVerdict);
    expect(r.split).toBe(split);
  });
});

describe('weighted rule', () => {
  const cases: [string, V[], number[], Verdict | null, Record<Verdict, number>][] = [
    [
      'one heavy member outvotes two light ones',
      ['A', 'B', 'B'],
      [2.5, 1, 1],
      'A',
      { A: 2.5, B: 2, tie: 0 },
    ],
    ['equal weights behave as majority', ['A', 'B', 'B'], [1, 1, 1], 'B', { A: 1, B: 2, tie: 0 }],
    [
      'a weight-0 member does not count',
      ['A', 'B', 'flipped'],
      [0, 1, 5],
      'B',
      { A: 0, B: 1, tie: 0 },
    ],
    [
      'level weights between A and B: tie',
      ['A', 'B', 'B'],
      [2, 1, 1],
      'tie',
      { A: 2, B: 2, tie: 0 },
    ],
  ];
  it.each(cases)('%s', (_n, members, weights, result, votes) => {
    const r = aggregatePanel(members, { rule: 'weighted', weights });
    expect(r.result).toBe(result);
    expect(r.votes).toEqual(votes);
  });

  it('refuses weights that do not match the members', () => {
    expect(() => aggregatePanel(['A', 'B'], { rule: 'weighted', weights: [1] })).toThrow(
      /2 members but 1 weights/,
    );
  });
});

describe('fitWeights: per-member log-odds of accuracy, add-one smoothed', () => {
  // Member 0 right on 8 of 10 items; member 1 on 5 of 10 (chance); member 2 on 3 of 4 read
  // (a flip read and wrong; two failures and four missing not counted).
  const labels: Verdict[] = ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'A', 'B'];
  const m0: V[] = ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'B', 'A'];
  const m1: V[] = ['A', 'B', 'A', 'B', 'A', 'A', 'B', 'A', 'B', 'A'];
  const m2: V[] = ['A', 'B', 'A', 'flipped', 'failed', 'failed', null, null, null, null];

  it('weights each member by its accuracy on the labels, by hand', () => {
    const w = fitWeights([m0, m1, m2], labels);
    expect(w.method).toBe('log-odds');
    expect(w.fitOn).toEqual([
      { read: 10, right: 8 },
      { read: 10, right: 5 },
      { read: 4, right: 3 },
    ]);
    // p = (8+1)/(10+2) = 0.75 → ln 3; p = 6/12 = 0.5 → 0 (chance); p = 4/6 → ln 2.
    expect(w.weights[0]).toBeCloseTo(Math.log(3), 12);
    expect(w.weights[1]).toBe(0);
    expect(w.weights[2]).toBeCloseTo(Math.log(2), 12);
    expect(w.fallback).toBe(false);
  });

  it("gives the README's example weights: 80 of 100 → 1.35, 95 of 100 → 2.77, which outvotes two at 1.35", () => {
    const labels = Array.from({ length: 100 }, (): Verdict => 'A');
    const rightOn = (k: number): V[] => labels.map((_, i) => (i < k ? 'A' : 'B'));
    const w = fitWeights([rightOn(95), rightOn(80), rightOn(80)], labels);
    // ln((81/102) / (21/102)) = ln(81/21); ln((96/102) / (6/102)) = ln 16.
    expect(w.weights[1]).toBeCloseTo(1.35, 2);
    expect(w.weights[0]).toBeCloseTo(2.77, 2);
    const r = aggregatePanel(['A', 'B', 'B'], { rule: 'weighted', weights: w.weights });
    expect(r.result).toBe('A');
  });

  it('says when the weights score the items they were fit on', () => {
    const w = fitWeights([m0, m1], labels);
    expect(w.split.sameItems).toBe(true);
    expect(w.split.fit).toEqual(w.split.score);
    expect(w.split.fit).toHaveLength(10);
  });

  it('falls back to equal weights when no member beats chance', () => {
    const w = fitWeights([m1, m1], labels);
    expect(w.fallback).toBe(true);
    expect(w.weights).toEqual([1, 1]);
  });

  it('with a held-out split, fits on one part only and scores the other', () => {
    const w = fitWeights([m0, m1, m2], labels, { heldOut: { fitShare: 0.5, seed: 7 } });
    expect(w.split.sameItems).toBe(false);
    expect(w.split.fit).toHaveLength(5);
    expect(w.split.score).toHaveLength(5);
    expect([...w.split.fit, ...w.split.score].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    // Member 0's counts come from the fit items alone.
    const right = w.split.fit.filter((i) => m0[i] === labels[i]).length;
    expect(w.fitOn[0]).toEqual({ read: 5, right });
  });
});

describe('splitItems', () => {
  it('is deterministic by seed and differs between seeds', () => {
    const a = splitItems(100, 0.3, 42);
    expect(splitItems(100, 0.3, 42)).toEqual(a);
    expect(a.fit).toHaveLength(30);
    expect(a.score).toHaveLength(70);
    expect(new Set([...a.fit, ...a.score]).size).toBe(100);
    expect(splitItems(100, 0.3, 43).fit).not.toEqual(a.fit);
  });

  it('keeps at least one item on each side', () => {
    expect(splitItems(2, 0, 1).fit).toHaveLength(1);
    expect(splitItems(2, 1, 1).score).toHaveLength(1);
  });
});
