// What the panel review shows, laid out per section: the core's buildPanelReview over the member runs' rows, triage rows, and the exports.
import { resultOf, type PairResultValue } from '../judge/outcome';
import { panelAgrees, type PanelRule } from '../judge/panel';
import type { Interval } from '../judge/stats';
import { getTemplate } from '../judge/templates';
import type { ItemFacts, RunRecord } from '../store/schema';
import {
  fillPanelIntervals,
  preparePanelReview,
  type PanelItemInput,
  type PanelMemberOutcome,
  type PanelReview,
  type PreparedPanelReview,
} from './panel';
import type { IntervalHooks } from './intervals';
import type { PanelItemRow } from './panel-filter';
import type { LoadedPanel } from './panel-reads';
import { asVerdict, type ReviewRow } from './rows';

/** The rules the view offers: plain majority, or weights learned from labels on a held-out half. */
export type PanelRuleChoice = 'majority' | 'weighted';

/** The weighted rule fits on this share of the items (seeded) and is scored on the rest. */
export const HELD_OUT = { fitShare: 0.5, seed: 1 } as const;

export interface PanelMemberInfo {
  runId: string;
  modelId: string;
  /** The run's name, else its model. */
  name: string;
}

/** Accuracy of the panel or one member against the dataset's labels. */
export interface AccuracyLine {
  /** A member's index, or 'panel'. */
  who: number | 'panel';
  name: string;
  /** Over items with a verdict, with its 95% bootstrap interval; null when nothing parsed. */
  accuracy: Interval | null;
  /** Over every labelled item (no verdict counts as wrong). */
  strict: number | null;
  agree: number;
  parsed: number;
  labelled: number;
}

export interface BiasLine {
  who: number | 'panel';
  name: string;
  /** Items whose two orders disagreed, of items judged in both orders (null: none). */
  flipRate: number | null;
  /** Share of decisive order verdicts naming the answer shown first (0.5 = no position preference). */
  firstPreference: number | null;
  /** Share of decided items with answers of different length won by the longer one. */
  longerWins: number | null;
}

export interface LeaveOneOutLine {
  /** The member left out. */
  member: number;
  name: string;
  /** The panel's accuracy without that member, and its change from the whole panel's. */
  accuracy: number | null;
  change: number | null;
}

export interface PanelModel {
  rule: PanelRuleChoice;
  /** The rule as the view names it. */
  ruleName: string;
  /** Weighted rule: how the weights were fit (held-out split), shown beside the numbers. */
  ruleNote: string | null;
  members: PanelMemberInfo[];
  /** Whether the 95% intervals are computed (false: bounds NaN, shown as —). */
  intervals: boolean;
  /** The panel first, then each member. */
  accuracy: AccuracyLine[];
  /** Cohen's kappa between members i and j; null on the diagonal or when undefined. */
  kappa: (number | null)[][];
  fleiss: Interval | null;
  /** The panel first, then each member. */
  bias: BiasLine[];
  /** Empty for a panel of two (one member left is no panel). */
  leaveOneOut: LeaveOneOutLine[];
  /** Triage rows, split items first. */
  rows: PanelItemRow[];
  splitCount: number;
  /** Items judged by every member. */
  sharedCount: number;
  /** The core's review, as computed (the summary export writes it). */
  review: PanelReview;
}

const finite = (x: number | undefined | null): number | null =>
  x === undefined || x === null || !Number.isFinite(x) ? null : x;
const interval = (iv: Interval | null | undefined): Interval | null =>
  iv && Number.isFinite(iv.estimate) ? iv : null;

/** A member's result on an item from its review row: the core's resultOf on the row's aggregate. */
export function memberOutcome(row: ReviewRow, pairwise: boolean): PanelMemberOutcome {
  if (!pairwise) return { result: row.score ?? 'failed' };
  const result = resultOf({ ...row, scores: null }, true);
  return { result, verdictAB: row.verdictAB, verdictBA: row.verdictBA };
}

/** Whether the runs' protocol offers a tie (template and run options). */
function tiesAllowed(run: RunRecord): boolean {
  const t = getTemplate(run.config.templateId);
  return (t?.allowsTie ?? true) && (run.config.params.allowTie ?? true);
}

const memberName = (run: RunRecord) => run.name ?? run.config.modelId;

function ruleText(rule: PanelRule, ties: boolean): string {
  if (rule === 'mean') return 'Mean of the members’ scores (a failed member is left out)';
  const base =
    rule === 'weighted'
      ? 'Weighted vote: each member’s verdict counts its weight (log-odds of its accuracy on the fitting half)'
      : 'Majority of the members’ final verdicts';
  return `${base}; a flipped or failed member abstains; ${ties ? 'A and B level make a tie' : 'A and B level give no verdict'}`;
}

/**
 * The panel review of the loaded member runs under a rule: the core's preparePanelReview over
 * every item any member judged (dataset order), and one triage row per item. Weighted: weights are
 * fit on a seeded half and every figure is over the other half (the note says so). The model's
 * intervals are still to come (`intervals` false): fillModelIntervals resamples them after the
 * paint, or buildPanelModel does it all at once.
 */
export function preparePanelModel(
  loaded: LoadedPanel,
  choice: PanelRuleChoice,
): { model: PanelModel; prepared: PreparedPanelReview } {
  const { members } = loaded;
  const first = members[0]!.run;
  const pairwise = first.config.protocol !== 'single';
  const ties = tiesAllowed(first);
  const byItem = members.map((m) => new Map(m.rows.map((r) => [r.itemId, r])));
  const facts = new Map<string, ItemFacts | undefined>();
  for (const m of members)
    for (const r of m.rows) if (!facts.has(r.itemId)) facts.set(r.itemId, r.item);
  const ids = [...facts.keys()].sort(
    (a, b) =>
      (facts.get(a)?.index ?? Infinity) - (facts.get(b)?.index ?? Infinity) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
  const items: PanelItemInput[] = ids.map((id) => {
    const f = facts.get(id);
    return { itemId: id, label: f?.label ?? null, lenA: f?.lenA, lenB: f?.lenB };
  });
  const rule: PanelRule = !pairwise ? 'mean' : choice;
  // Each member's row and outcome per item, once: the core's input and the triage rows share them.
  const rowsAt = byItem.map((m) => ids.map((id) => m.get(id)));
  const outcomes = rowsAt.map((rs) => rs.map((row) => (row ? memberOutcome(row, pairwise) : null)));
  const prepared = preparePanelReview({
    items,
    members: members.map((m, k) => ({
      runId: m.runId,
      modelId: m.modelId,
      outcomes: outcomes[k]!,
    })),
    rule,
    tiesAllowed: ties,
    ...(rule === 'weighted' ? { weighting: { heldOut: { ...HELD_OUT } } } : {}),
  });
  const review = prepared.review;

  const splitRank = new Map(review.splitItems.map((i, k) => [i, k]));
  const rows: PanelItemRow[] = review.scored.map((i, s) => {
    const id = ids[i]!;
    const item = facts.get(id);
    const label = asVerdict(item?.label);
    const r = review.results[s]!;
    const memberRows = rowsAt.map((rs) => rs[i]);
    const results = outcomes.map((os): PairResultValue | null => os[i]?.result ?? null);
    return {
      pos: 0,
      itemId: id,
      item,
      label,
      members: memberRows,
      results,
      memberCorrect: results.map((v) =>
        label === null || v === null || v === 'failed' || typeof v === 'number'
          ? null
          : v === label,
      ),
      panel: typeof r.result === 'number' ? null : r.result,
      panelCorrect: pairwise ? panelAgrees(r, label) : null,
      split: r.split,
      result: r,
    };
  });
  // Split items in the core's triage order (panel wrong first, closest votes), then the rest in
  // dataset order.
  const rank = review.scored.map((i, s) => splitRank.get(i) ?? review.splitItems.length + s);
  const order = rows.map((_, s) => s).sort((a, b) => rank[a]! - rank[b]!);
  const sorted = order.map((s, k) => Object.assign(rows[s]!, { pos: k }));

  const info = members.map((m) => ({
    runId: m.runId,
    modelId: m.modelId,
    name: memberName(m.run),
  }));
  const w = review.weights;
  const ruleNote =
    w === null
      ? null
      : `Weights (${review.members.map((m, k) => `${info[k]!.name} ${(m.weight ?? 0).toFixed(2)}`).join(', ')}) were fit on ${w.split.fit.length.toLocaleString()} items chosen at random (seed ${w.split.seed ?? '—'}); every figure on this page is over the other ${w.split.score.length.toLocaleString()} held-out items, which the weights never saw.${w.fallback ? ' No member beat chance on the fitting items, so every weight is 1 (plain majority).' : ''}`;
  const model: PanelModel = {
    rule: choice,
    ruleName: ruleText(rule, ties),
    ruleNote,
    members: info,
    ...figures(review, info, false),
    rows: sorted,
    splitCount: review.splitItems.length,
    sharedCount: ids.filter((id) => byItem.every((m) => m.has(id))).length,
  };
  return { model, prepared };
}

/** The view's figures from the core's review (panel first, then members). */
function figures(
  review: PanelReview,
  info: readonly PanelMemberInfo[],
  intervals: boolean,
): Pick<
  PanelModel,
  'accuracy' | 'kappa' | 'fleiss' | 'bias' | 'leaveOneOut' | 'review' | 'intervals'
> {
  const accLine = (who: number | 'panel', name: string, f: PanelReview['panel']): AccuracyLine => ({
    who,
    name,
    accuracy: interval(f.accuracy.accuracy),
    strict: finite(f.accuracy.strictAccuracy.estimate),
    agree: f.accuracy.agree,
    parsed: f.accuracy.parsed,
    labelled: f.accuracy.labelled,
  });
  const biasLine = (who: number | 'panel', name: string, f: PanelReview['panel']): BiasLine => ({
    who,
    name,
    flipRate: finite(f.bias.flipRate.estimate),
    firstPreference: finite(f.bias.firstPositionPreference.estimate),
    longerWins: finite(f.bias.longerAnswerRate.estimate),
  });
  const fleiss = review.agreement.fleiss;
  return {
    intervals,
    accuracy: [
      accLine('panel', 'Panel', review.panel),
      ...review.members.map((m, k) => accLine(k, info[k]!.name, m)),
    ],
    kappa: review.agreement.pairwise.map((row) => row.map((e) => (e ? finite(e.kappa) : null))),
    fleiss: interval(
      fleiss.interval
        ? { ...fleiss.interval, estimate: fleiss.kappa }
        : { estimate: fleiss.kappa, lower: NaN, upper: NaN },
    ),
    bias: [
      biasLine('panel', 'Panel', review.panel),
      ...review.members.map((m, k) => biasLine(k, info[k]!.name, m)),
    ],
    leaveOneOut: review.leaveOneOut.map((l) => ({
      member: l.member,
      name: info[l.member]!.name,
      accuracy: finite(l.accuracy.estimate),
      change: finite(l.change.estimate),
    })),
    review,
  };
}

/**
 * The model with its 95% intervals, resampled in slices after the paint (the core's
 * fillPanelIntervals); null when `hooks.live()` turned false first.
 */
export async function fillModelIntervals(
  model: PanelModel,
  prepared: PreparedPanelReview,
  hooks: IntervalHooks,
): Promise<PanelModel | null> {
  const review = await fillPanelIntervals(prepared, hooks);
  return review ? { ...model, ...figures(review, model.members, true) } : null;
}

/** The whole model with its intervals, at once (exports, tests). */
export function buildPanelModel(loaded: LoadedPanel, choice: PanelRuleChoice): PanelModel {
  const { model, prepared } = preparePanelModel(loaded, choice);
  const job = prepared.intervalsJob();
  job.step(Infinity);
  return { ...model, ...figures(prepared.withIntervals(job.result()), model.members, true) };
}
