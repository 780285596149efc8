// How a member's or the panel's result reads in the panel review (short in list lines, whole in the item view).
import type { PairResultValue } from '../judge/outcome';

/** 'A', 'B', 'tie', 'flipped', 'failed', a score, or none (no judgment / no panel verdict). */
export function resultText(v: PairResultValue | null, short = false): string {
  if (v === null) return short ? '–' : 'none';
  if (typeof v === 'number') return v.toFixed(2);
  if (short) return v === 'flipped' ? 'flip' : v === 'failed' ? 'fail' : v;
  if (v === 'A' || v === 'B') return `${v} better`;
  if (v === 'flipped') return 'flipped (the orders disagree)';
  if (v === 'failed') return 'no verdict read';
  return 'tie';
}
