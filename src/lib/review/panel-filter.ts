// Triage of a panel review: one row per item with each member's result and the panel's, split items first, and its filters.
import type { PairResultValue } from '../judge/outcome';
import type { PanelResult } from '../judge/panel';
import type { Verdict } from '../judge/types';
import type { ItemFacts } from '../store/schema';
import type { ReviewRow } from './rows';

/** One item of the panel review, as triage lists it and the exports write it. */
export interface PanelItemRow {
  /** Position in the triage order (split items first, then dataset order). */
  pos: number;
  itemId: string;
  item: ItemFacts | undefined;
  /** The dataset's pairwise label, or null. */
  label: Verdict | null;
  /** Each member's row, in member order; undefined = that member has no judgment of the item. */
  members: readonly (ReviewRow | undefined)[];
  /** Each member's result (PairResultValue), null when the member has no judgment. */
  results: readonly (PairResultValue | null)[];
  /** Whether each member agrees with the label (null: no label, no verdict or no judgment). */
  memberCorrect: readonly (boolean | null)[];
  /** The panel's result under the chosen rule: a verdict, or null when the members give none. */
  panel: Verdict | null;
  /** Whether the panel agrees with the label (null: no label or no panel verdict). */
  panelCorrect: boolean | null;
  /** Members whose read results differ, as the aggregation rule reports it. */
  split: boolean;
  /** The aggregation's whole result: votes, abstentions, missing members. */
  result: PanelResult;
}

export interface PanelFilter {
  split: boolean;
  panelWrong: boolean;
  /** 'any', or the index of one member that must be wrong; null = no condition. */
  memberWrong: 'any' | number | null;
}

export const NO_PANEL_FILTER: PanelFilter = { split: false, panelWrong: false, memberWrong: null };

/**
 * The rows the filter keeps, in their order; every condition set must hold. One pass with no
 * per-row allocation: a filter change over 10,000 items stays well inside a frame.
 */
export function filterPanelRows(
  rows: readonly PanelItemRow[],
  f: PanelFilter,
): readonly PanelItemRow[] {
  if (!f.split && !f.panelWrong && f.memberWrong === null) return rows;
  const out: PanelItemRow[] = [];
  for (const r of rows) {
    if (f.split && !r.split) continue;
    if (f.panelWrong && r.panelCorrect !== false) continue;
    if (f.memberWrong === 'any' && !r.memberCorrect.includes(false)) continue;
    if (typeof f.memberWrong === 'number' && r.memberCorrect[f.memberWrong] !== false) continue;
    out.push(r);
  }
  return out;
}
