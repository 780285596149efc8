// What Demo mode's panel step shows: per pair the panel's majority beside each member, and the panel's and each member's agreement with the labels.
import { aggregatePanel, panelAgrees, type PanelResult } from '../judge/panel';
import { labelAgreement, type LabelAgreement } from '../judge/outcome';
import type { Verdict } from '../judge/types';
import type { PanelCell } from './demo-panel';

/** One bundled pair: every member's cell and the panel's result once every member judged it. */
export interface PanelDemoRow {
  cells: (PanelCell | null)[];
  /** The majority over the members' results (judge/panel.ts); null until every member judged. */
  panel: PanelResult | null;
  /** panelAgrees with the pair's label; null until the panel has judged. */
  panelCorrect: boolean | null;
  /** Members whose verdict flipped with the order on this pair. */
  flipped: number[];
  /** Some member flipped, and the panel still named a winner (the workshop's point). */
  panelHeld: boolean;
}

export interface PanelDemoSummary {
  rows: PanelDemoRow[];
  /** Per member, agreement with the labels over the pairs it judged (a flip is a miss). */
  members: LabelAgreement[];
  /** The panel's agreement with the labels over the pairs every member judged. */
  panel: LabelAgreement;
  /** Pairs where a member flipped and the panel named a winner. */
  held: number;
}

/**
 * The panel step's figures from `cells[member][pair]` (null: not judged yet) and the pairs' labels.
 * Majority rule, ties allowed (the tour's j1-pairwise offers a tie): a flipped member abstains, and
 * A against B level makes the panel call a tie, which agrees with no A/B label.
 */
export function summarizePanelDemo(
  cells: readonly (readonly (PanelCell | null)[])[],
  labels: readonly Verdict[],
): PanelDemoSummary {
  const rows: PanelDemoRow[] = labels.map((label, p) => {
    const row = cells.map((member) => member[p] ?? null);
    const complete = row.length > 0 && row.every((c) => c !== null);
    const panel = complete
      ? aggregatePanel(
          row.map((c) => c!.result),
          { rule: 'majority', tiesAllowed: true },
        )
      : null;
    const flipped = row.flatMap((c, m) => (c?.result === 'flipped' ? [m] : []));
    return {
      cells: row,
      panel,
      panelCorrect: panel ? panelAgrees(panel, label) : null,
      flipped,
      panelHeld: flipped.length > 0 && (panel?.result === 'A' || panel?.result === 'B'),
    };
  });
  const members = cells.map((member) =>
    labelAgreement(
      labels.flatMap((label, p) => {
        const c = member[p];
        return c ? [{ label, correct: c.correct }] : [];
      }),
    ),
  );
  const panel = labelAgreement(
    rows.flatMap((r, p) => (r.panel ? [{ label: labels[p], correct: r.panelCorrect }] : [])),
  );
  return { rows, members, panel, held: rows.filter((r) => r.panelHeld).length };
}
