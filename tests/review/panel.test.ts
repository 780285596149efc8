// The panel review model: figures against the numpy reference, leave-one-out and triage by hand, held-out weights.
import { describe, expect, it } from 'vitest';
import type { PairResultValue } from '../../src/lib/judge/outcome';
import type { Interval } from '../../src/lib/judge/stats';
import {
  buildPanelReview,
  fillPanelIntervals,
  preparePanelReview,
  type PanelItemInput,
  type PanelMemberInput,
} from '../../src/lib/review/panel';
import { panelItems, panelMembers } from '../support/panel-data';
import reference from '../judge/fixtures/panel-reference.json';

/** An Interval against the reference's [estimate, lower, upper]. */
function expectInterval(iv: Interval, [estimate, lower, upper]: number[], digits = 10) {
  expect(iv.estimate).toBeCloseTo(estimate!, digits);
  expect(iv.lower).toBeCloseTo(lower!, digits);
  expect(iv.upper).toBeCloseTo(upper!, digits);
}

describe('a 40-item, 3-member panel against the numpy reference (tests/support/panel_reference.py)', () => {
  const review = buildPanelReview({ items: panelItems(), members: panelMembers() });
  const f = reference.figures as Record<string, number[][]>;
  const c = reference.counts as unknown as Record<string, number[]>;

  it('names the rule and covers every item', () => {
    expect(review.rule).toBe('majority');
    expect(review.pairwise).toBe(true);
    expect(review.scored).toHaveLength(40);
    expect(review.weights).toBeNull();
  });

  it("gives each member's and the panel's accuracy (parsed and strict) with 95% intervals", () => {
    const judges = [...review.members, review.panel];
    const names = ['member0', 'member1', 'member2', 'panel'];
    judges.forEach((j, k) => {
      const [labelled, parsed, agree] = c[names[k]!]!;
      expect(j.accuracy.labelled).toBe(labelled);
      expect(j.accuracy.parsed).toBe(parsed);
      expect(j.accuracy.agree).toBe(agree);
      expectInterval(j.accuracy.accuracy, f[names[k]!]![0]!);
      expectInterval(j.accuracy.strictAccuracy, f[names[k]!]![1]!);
    });
  });

  it('gives position bias (flip rate, first-position preference) and length bias per member and for the panel', () => {
    const judges = [...review.members, review.panel];
    const names = ['member0', 'member1', 'member2', 'panel'];
    judges.forEach((j, k) => {
      const counts = c[names[k]!]!;
      expect(j.bias.bothOrders).toBe(counts[3]);
      expect(j.bias.decisive).toBe(counts[5]);
      expect(j.bias.lengthN).toBe(counts[7]);
      expectInterval(j.bias.flipRate, f[names[k]!]![2]!);
      expectInterval(j.bias.firstPositionPreference, f[names[k]!]![3]!);
      expectInterval(j.bias.longerAnswerRate, f[names[k]!]![4]!);
    });
  });

  it('gives leave-one-out accuracy and its change, with intervals', () => {
    expect(review.leaveOneOut.map((l) => l.runId)).toEqual(['run-0', 'run-1', 'run-2']);
    review.leaveOneOut.forEach((l, m) => {
      const [acc, change, strict, strictChange] = f[`loo${m}`]!;
      expectInterval(l.accuracy, acc!);
      expectInterval(l.change, change!);
      expectInterval(l.strictAccuracy, strict!);
      expectInterval(l.strictChange, strictChange!);
    });
  });

  it("gives the kappa matrix and Fleiss' kappa with intervals", () => {
    expectInterval(review.agreement.pairwise[0]![1]!.interval!, f.kappa01![0]!);
    expectInterval(review.agreement.pairwise[2]![0]!.interval!, f.kappa02![0]!);
    expectInterval(review.agreement.pairwise[1]![2]!.interval!, f.kappa12![0]!);
    expectInterval(review.agreement.fleiss.interval!, f.fleiss![0]!);
    expect(review.agreement.fleiss.n).toBe(reference.counts.fleissN);
  });
});

/** Members from result strings (A, B, t, f = flipped, x = failed, . = missing), one character per item. */
function membersOf(...codes: string[]): PanelMemberInput[] {
  const value: Record<string, PairResultValue | null> = {
    A: 'A',
    B: 'B',
    t: 'tie',
    f: 'flipped',
    x: 'failed',
    '.': null,
  };
  return codes.map((s, m) => ({
    runId: `r${m}`,
    modelId: `m${m}`,
    outcomes: [...s].map((ch) => (value[ch] === null ? null : { result: value[ch]! })),
  }));
}

const itemsOf = (labels: string): PanelItemInput[] =>
  [...labels].map((l, i) => ({ itemId: `i${i}`, label: l === 't' ? 'tie' : l }));

describe('leave-one-out by hand', () => {
  // Items (labels A B A B); members' results per item:
  //   0: A A B  → panel A (right). Without m0: A/B level → tie (wrong); without m1: tie (wrong);
  //      without m2: A (right).
  //   1: B A B  → B (right). Without m0: tie (wrong); without m1: B (right); without m2: tie (wrong).
  //   2: A f A  → A (right; the flip abstains). Without any one member: A (right).
  //   3: x B A  → A/B level: tie (wrong). Without m0: tie (wrong); without m1: A (wrong);
  //      without m2: B (right).
  // Panel 3/4. Without m0: 1/4 (−0.5); without m1: 2/4 (−0.25); without m2: 3/4 (0).
  const review = buildPanelReview({
    items: itemsOf('ABAB'),
    members: membersOf('ABAx', 'AAfB', 'BBAA'),
    bootstrap: { iterations: 0 },
  });

  it("gives the panel's and each member's accuracy", () => {
    expect(review.panel.accuracy.accuracy.estimate).toBeCloseTo(0.75, 12);
    // m0: right on 0, 1, 2; item 3 failed (not parsed, wrong in strict).
    expect(review.members[0]!.accuracy.accuracy.estimate).toBeCloseTo(1, 12);
    expect(review.members[0]!.accuracy.strictAccuracy.estimate).toBeCloseTo(0.75, 12);
    // m1: right on 0 and 3; wrong on 1; the flip on 2 is read and wrong.
    expect(review.members[1]!.accuracy.accuracy.estimate).toBeCloseTo(0.5, 12);
    expect(review.members[2]!.accuracy.accuracy.estimate).toBeCloseTo(0.5, 12);
  });

  it('gives the accuracy without each member and the change', () => {
    const loo = review.leaveOneOut.map((l) => [l.accuracy.estimate, l.change.estimate]);
    expect(loo[0]![0]).toBeCloseTo(0.25, 12);
    expect(loo[0]![1]).toBeCloseTo(-0.5, 12);
    expect(loo[1]![0]).toBeCloseTo(0.5, 12);
    expect(loo[1]![1]).toBeCloseTo(-0.25, 12);
    expect(loo[2]![0]).toBeCloseTo(0.75, 12);
    expect(loo[2]![1]).toBeCloseTo(0, 12);
  });

  it('lists the split items in triage order: the panel wrong first, then the closest votes', () => {
    // Item 3 (wrong) first; then 0 and 1 (margin 1), then 2 (margin 2: the flip abstained).
    expect(review.splitItems).toEqual([3, 0, 1, 2]);
  });

  it('leaves out unanimous items and items where only one member read a verdict', () => {
    const r = buildPanelReview({
      items: itemsOf('AAAA'),
      members: membersOf('AAxA', 'AB.A', 'ABxx'),
      bootstrap: { iterations: 0 },
    });
    expect(r.splitItems).toEqual([1]);
  });
});

describe('weighted rule', () => {
  // Member 0 is right on every item, members 1 and 2 on none but agree with each other.
  const labels = 'ABABABABABABABABABAB';
  const flip = (s: string) => [...s].map((c) => (c === 'A' ? 'B' : 'A')).join('');
  const input = {
    items: itemsOf(labels),
    members: membersOf(labels, flip(labels), flip(labels)),
    rule: 'weighted' as const,
    bootstrap: { iterations: 0 },
  };

  it('fit on every item: says so, and the strong member outvotes the two weak ones', () => {
    const r = buildPanelReview(input);
    expect(r.rule).toBe('weighted');
    expect(r.weights!.split.sameItems).toBe(true);
    expect(r.scored).toHaveLength(20);
    // Member 0: p = 21/22 → ln 21; members 1 and 2: p = 1/22 ≤ ½ → 0.
    expect(r.members[0]!.weight).toBeCloseTo(Math.log(21), 12);
    expect(r.members[1]!.weight).toBe(0);
    expect(r.panel.accuracy.accuracy.estimate).toBe(1);
    expect(buildPanelReview({ ...input, rule: 'majority' }).panel.accuracy.accuracy.estimate).toBe(
      0,
    );
  });

  it('held out: fits on one part and reviews only the other', () => {
    const r = buildPanelReview({ ...input, weighting: { heldOut: { fitShare: 0.5, seed: 3 } } });
    expect(r.weights!.split.sameItems).toBe(false);
    expect(r.scored).toEqual(r.weights!.split.score);
    expect(r.scored).toHaveLength(10);
    expect(r.results).toHaveLength(10);
    for (const i of r.scored) expect(r.weights!.split.fit).not.toContain(i);
    expect(r.members[0]!.accuracy.labelled).toBe(10);
    // p = (10 + 1) / (10 + 2) on the fit half.
    expect(r.members[0]!.weight).toBeCloseTo(Math.log(11), 12);
  });
});

describe('single-answer panel (mean rule)', () => {
  it('takes the mean of the scores and compares it with score labels', () => {
    const items: PanelItemInput[] = [
      { itemId: 'a', label: 4 },
      { itemId: 'b', label: 2 },
      { itemId: 'c', label: 5 },
    ];
    const members: PanelMemberInput[] = [
      { runId: 'r0', modelId: 'm0', outcomes: [{ result: 3 }, { result: 2 }, { result: 5 }] },
      { runId: 'r1', modelId: 'm1', outcomes: [{ result: 5 }, { result: 'failed' }, null] },
    ];
    const r = buildPanelReview({ items, members, bootstrap: { iterations: 0 } });
    expect(r.rule).toBe('mean');
    expect(r.results.map((x) => x.result)).toEqual([4, 2, 5]);
    expect(r.results.map((x) => x.voters.length)).toEqual([2, 1, 1]);
    // Panel scores 4, 2, 5 equal the labels: MAE 0. Member 0: |3−4| = 1 of 3 → 1/3.
    expect(r.panel.scores!.mae).toBeCloseTo(0, 12);
    expect(r.members[0]!.scores!.mae).toBeCloseTo(1 / 3, 12);
    expect(r.members[1]!.scores!.n).toBe(1);
    expect(r.leaveOneOut).toEqual([]);
    expect(r.splitItems).toEqual([0]);
  });
});

describe('point figures first, intervals after paint', () => {
  const input = { items: panelItems(), members: panelMembers(), bootstrap: { iterations: 200 } };
  const hooks = (live: () => boolean, progress: number[]) => ({
    live,
    onProgress: (done: number) => progress.push(done),
    start: () => Promise.resolve(),
    between: () => Promise.resolve(),
  });

  it('prepares every estimate with the bounds still to come', () => {
    const { review } = preparePanelReview(input);
    const full = buildPanelReview(input);
    expect(review.panel.accuracy.accuracy.estimate).toBe(full.panel.accuracy.accuracy.estimate);
    expect(review.agreement.fleiss.kappa).toBe(full.agreement.fleiss.kappa);
    expect(review.panel.accuracy.accuracy.lower).toBeNaN();
    expect(review.splitItems).toEqual(full.splitItems);
  });

  it('fills the intervals in slices to exactly what buildPanelReview gives', async () => {
    const progress: number[] = [];
    const filled = await fillPanelIntervals(
      preparePanelReview(input),
      hooks(() => true, progress),
      input.bootstrap,
    );
    expect(filled).toEqual(buildPanelReview(input));
    expect(progress).toEqual([0, 50, 100, 150, 200]);
  });

  it('stops when the review is left (live turns false)', async () => {
    const progress: number[] = [];
    let slices = 0;
    const filled = await fillPanelIntervals(
      preparePanelReview(input),
      hooks(() => slices++ < 2, progress),
      input.bootstrap,
    );
    expect(filled).toBeNull();
    expect(progress.at(-1)).toBeLessThan(200);
  });
});

describe('small and empty panels', () => {
  it('a panel of two has kappa but no leave-one-out (one member left is no panel)', () => {
    const r = buildPanelReview({ items: itemsOf('AB'), members: membersOf('AB', 'AA') });
    expect(r.leaveOneOut).toEqual([]);
    expect(r.agreement.pairwise[0]![1]!.n).toBe(2);
    // Item 1: B and A level make a tie, wrong against B.
    expect(r.panel.accuracy.accuracy.estimate).toBe(0.5);
    expect(r.results[1]!.result).toBe('tie');
  });

  it('no items: every figure is NaN, nothing throws', () => {
    const r = buildPanelReview({ items: [], members: membersOf('', '', '') });
    expect(r.scored).toEqual([]);
    expect(r.panel.accuracy.accuracy.estimate).toBeNaN();
    expect(r.agreement.fleiss.kappa).toBeNaN();
    expect(r.splitItems).toEqual([]);
  });
});
