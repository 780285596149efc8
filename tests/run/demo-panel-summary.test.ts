// Demo mode's panel figures against counts worked out by hand: majority per pair, a flip abstains, A against B level is a tie.
import { describe, expect, test } from 'vitest';
import type { PanelCell } from '../../src/lib/run/demo-panel';
import { summarizePanelDemo } from '../../src/lib/run/demo-panel-summary';
import type { PairResultValue, Verdict } from '../../src/lib/judge';

/** A cell as a member's result; `label` gives its agreement as agreesWithLabel would. */
function cell(result: PairResultValue, label: Verdict): PanelCell {
  const flipped = result === 'flipped';
  return {
    ab: flipped ? 'A' : result === 'failed' ? null : (result as Verdict),
    ba: flipped ? 'B' : result === 'failed' ? null : (result as Verdict),
    result,
    correct: result === 'failed' ? null : !flipped && result === label,
    runId: 'r',
    reused: false,
  };
}

const cellsOf = (results: PairResultValue[][], labels: Verdict[]) =>
  results.map((member) => member.map((r, p) => cell(r, labels[p]!)));

// The six bundled pairs' labels, and what the three test judges answer (see tests/run/demo-panel.test.ts).
const LABELS: Verdict[] = ['B', 'B', 'B', 'A', 'B', 'B'];
const FLIPPER: PairResultValue[] = Array(6).fill('flipped') as PairResultValue[];
const LONGER: PairResultValue[] = ['A', 'B', 'A', 'B', 'A', 'B'];
const GOOD: PairResultValue[] = LABELS;

describe('summarizePanelDemo', () => {
  test('flipper, longer and good on the bundled pairs', () => {
    const s = summarizePanelDemo(cellsOf([FLIPPER, LONGER, GOOD], LABELS), LABELS);
    // The flipper abstains everywhere; longer and good agree on pairs 2 and 6 (B), elsewhere
    // one vote each for A and B: a tie, which agrees with no label.
    expect(s.rows.map((r) => r.panel?.result)).toEqual(['tie', 'B', 'tie', 'tie', 'tie', 'B']);
    expect(s.rows.map((r) => r.panelCorrect)).toEqual([false, true, false, false, false, true]);
    expect(s.rows.map((r) => r.flipped)).toEqual(LABELS.map(() => [0]));
    expect(s.rows.map((r) => r.panelHeld)).toEqual([false, true, false, false, false, true]);
    expect(s.held).toBe(2);
    expect(s.panel).toMatchObject({ labelled: 6, parsed: 6, agree: 2, accuracy: 2 / 6 });
    expect(s.members.map((m) => [m.agree, m.parsed])).toEqual([
      [0, 6],
      [2, 6],
      [6, 6],
    ]);
  });

  test('three voters: two against one wins, and the panel can beat its best member', () => {
    const labels: Verdict[] = ['A', 'A', 'A'];
    const s = summarizePanelDemo(
      cellsOf(
        [
          ['A', 'A', 'B'],
          ['A', 'B', 'A'],
          ['B', 'A', 'A'],
        ],
        labels,
      ),
      labels,
    );
    expect(s.rows.map((r) => r.panel?.result)).toEqual(['A', 'A', 'A']);
    expect(s.panel.accuracy).toBe(1);
    expect(s.members.map((m) => m.accuracy)).toEqual([2 / 3, 2 / 3, 2 / 3]);
    expect(s.held).toBe(0);
  });

  test('pairs not yet judged by every member have no panel result and do not count', () => {
    const labels: Verdict[] = ['A', 'B'];
    const cells = [
      [cell('A', 'A'), cell('B', 'B')],
      [cell('A', 'A'), null],
    ];
    const s = summarizePanelDemo(cells, labels);
    expect(s.rows[1]!.panel).toBeNull();
    expect(s.rows[1]!.panelCorrect).toBeNull();
    expect(s.panel).toMatchObject({ labelled: 1, agree: 1 });
    expect(s.members.map((m) => m.labelled)).toEqual([2, 1]);
  });

  test('a failed member is left out of its accuracy and abstains on the panel', () => {
    const labels: Verdict[] = ['B'];
    const s = summarizePanelDemo(cellsOf([['failed'], ['B'], ['flipped']], labels), labels);
    expect(s.rows[0]!.panel?.result).toBe('B');
    expect(s.rows[0]!.panelHeld).toBe(true);
    expect(s.members[0]).toMatchObject({ labelled: 1, parsed: 0, failed: 1, accuracy: null });
    expect(s.members[2]).toMatchObject({ parsed: 1, agree: 0 });
  });

  test('every member flipped: no panel verdict, counted as a miss', () => {
    const labels: Verdict[] = ['A'];
    const s = summarizePanelDemo(cellsOf([['flipped'], ['flipped']], labels), labels);
    expect(s.rows[0]!.panel?.result).toBeNull();
    expect(s.rows[0]!.panelCorrect).toBe(false);
    expect(s.held).toBe(0);
  });
});
