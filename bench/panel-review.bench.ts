// buildPanelReview over 3 members × 10,000 items with 1,000 bootstrap resamples (the review's setting), and without.
import { bench, describe } from 'vitest';
import { mulberry32 } from '../src/lib/judge/stats';
import type { Verdict } from '../src/lib/judge/types';
import {
  buildPanelReview,
  type PanelItemInput,
  type PanelMemberInput,
  type PanelMemberOutcome,
} from '../src/lib/review/panel';

const N = 10_000;
const rand = mulberry32(22);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const items: PanelItemInput[] = Array.from({ length: N }, (_, i) => ({
  itemId: `item-${i}`,
  label: pick(['A', 'B', 'B', 'A', 'tie', null] as const),
  lenA: 50 + Math.floor(rand() * 500),
  lenB: 50 + Math.floor(rand() * 500),
}));

/** A member right with probability `skill` in each order, unreadable 3% of the time, missing 1%. */
function member(m: number, skill: number): PanelMemberInput {
  const order = (label: Verdict): Verdict | null =>
    rand() < 0.03 ? null : rand() < skill ? label : pick(['A', 'B', 'tie'] as const);
  return {
    runId: `run-${m}`,
    modelId: `model-${m}`,
    outcomes: items.map((it): PanelMemberOutcome | null => {
      if (rand() < 0.01) return null;
      const label = (it.label as Verdict | null) ?? 'A';
      const ab = order(label);
      const ba = order(label);
      const read = [ab, ba].filter((v): v is Verdict => v !== null);
      const result =
        read.length === 0
          ? 'failed'
          : read.length === 2 && read[0] !== read[1]
            ? 'flipped'
            : read[0]!;
      return { result, verdictAB: ab, verdictBA: ba };
    }),
  };
}
const members = [member(0, 0.8), member(1, 0.7), member(2, 0.6)];

describe('buildPanelReview, 3 members × 10,000 items', () => {
  bench(
    'with 1,000 bootstrap resamples',
    () => {
      buildPanelReview({ items, members });
    },
    { iterations: 5, warmupIterations: 1 },
  );
  bench(
    'point figures only (0 resamples)',
    () => {
      buildPanelReview({ items, members, bootstrap: { iterations: 0 } });
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
