// Calibration bins and expected calibration error (ECE) against a hand computation.
import { describe, expect, it } from 'vitest';
import { calibration } from '../../src/lib/review/dashboard';
import type { ReviewRow } from '../../src/lib/review/rows';
import type { Verdict } from '../../src/lib/judge';

const row = (confidence: number | null, verdict: Verdict | null, label: Verdict | null) =>
  ({ confidence, verdict, label }) as ReviewRow;

describe('calibration', () => {
  it('bins by confidence and weights each bin by its share of items', () => {
    const c = calibration([
      row(0.95, 'A', 'A'),
      row(0.95, 'A', 'B'),
      row(0.92, 'B', 'B'),
      row(1.0, 'tie', 'tie'), // confidence 1 belongs to the top bin
      row(0.55, 'A', 'A'),
      row(0.65, 'B', 'A'),
      row(0.8, 'A', null), // no label: left out
      row(0.8, null, 'A'), // no verdict: left out
      row(null, 'A', 'A'), // no confidence: left out
    ])!;
    expect(c.n).toBe(6);
    // Bins [0.5, 0.6): 1 item, conf 0.55, right; [0.6, 0.7): conf 0.65, wrong;
    // [0.9, 1]: 4 items, mean conf (0.95 + 0.95 + 0.92 + 1) / 4 = 0.955, accuracy 3/4.
    expect(c.bins.map((b) => [b.from, b.to, b.n])).toEqual([
      [0.5, 0.6, 1],
      [0.6, 0.7, 1],
      [0.9, 1, 4],
    ]);
    expect(c.bins[2]!.meanConfidence).toBeCloseTo(0.955, 12);
    expect(c.bins[2]!.accuracy).toBeCloseTo(0.75, 12);
    // ECE = 1/6·|1 − 0.55| + 1/6·|0 − 0.65| + 4/6·|0.75 − 0.955| = 0.075 + 0.108333 + 0.136667.
    expect(c.ece).toBeCloseTo(0.32, 12);
  });

  it('is null when no labelled item has a confidence', () => {
    expect(calibration([row(null, 'A', 'A'), row(0.9, 'A', null)])).toBeNull();
  });
});
