// The 40-item, 3-member panel tests/support/panel_reference.py computes its reference values for (same strings).
import { pairOutcome, type JudgmentLike, type PairResultValue } from '../../src/lib/judge/outcome';
import type { Verdict } from '../../src/lib/judge/types';
import type { PanelItemInput, PanelMemberInput } from '../../src/lib/review/panel';

/** Per item: A, B, t (tie) or . (no label). */
export const PANEL_LABELS = 'Bt.BttBABABABBBBB.BAAtBABBBABBABABBBtBBt';
/** Per member, each order's verdict in original positions: A, B, t, x (ran, unreadable), . (not run). */
export const PANEL_ORDERS: readonly (readonly [string, string])[] = [
  ['xtABttBxBABABBBBBABAAxBABBBtBBABABBBtBBB', 'BtABttBABABABBBBBABAttBABBBAAtAtABBBAxAB'],
  ['BttBA.AAAABABABBB.AAAAAABAAAABAtAAAABBBA', 'BttBB.BBABBBBBBBB.BBBBBABBBABBAtAABABBBB'],
  ['tBAABAABAAAxABBtBAAAABBBAtBAABBAABABAABA', 'tBA.AAABABBxABBABAABAABBAtBAA.BABBAtAAAA'],
];

const VERDICT: Record<string, Verdict> = { A: 'A', B: 'B', t: 'tie' };

/** A code as a per-order verdict: undefined = not run, null = unreadable. */
export function orderVerdict(c: string): Verdict | null | undefined {
  return c === '.' ? undefined : c === 'x' ? null : VERDICT[c]!;
}

export function panelItems(): PanelItemInput[] {
  return [...PANEL_LABELS].map((c, i) => ({
    itemId: `item-${i}`,
    label: c === '.' ? null : VERDICT[c]!,
    lenA: 100 + ((i * 37) % 50),
    lenB: 100 + ((i * 53) % 50),
  }));
}

/** Each member's outcomes, made the way the app makes them: pairOutcome over its judgments. */
export function panelMembers(): PanelMemberInput[] {
  return PANEL_ORDERS.map(([ab, ba], m) => ({
    runId: `run-${m}`,
    modelId: `model-${m}`,
    outcomes: [...ab].map((_, i) => {
      const judgments: JudgmentLike[] = [];
      const vab = orderVerdict(ab[i]!);
      const vba = orderVerdict(ba[i]!);
      if (vab !== undefined) judgments.push({ protocol: 'pairwise', order: 'AB', verdict: vab });
      if (vba !== undefined) judgments.push({ protocol: 'pairwise', order: 'BA', verdict: vba });
      if (judgments.length === 0) return null;
      return { ...pairOutcome(judgments, null), verdictAB: vab, verdictBA: vba };
    }),
  }));
}

/** Each member's result per item (null: missing). */
export function panelResults(): (PairResultValue | null)[][] {
  return panelMembers().map((m) => m.outcomes.map((o) => o?.result ?? null));
}
