// A pair's result from its stored judgments, and agreement with labels: the one definition the app, the exports, the review and the CLI share.
import { aggregateJudgments, type ItemAggregate, type VerdictSample } from './aggregate';
import type { Order, Verdict } from './types';

/**
 * Pairwise: the winner 'A' or 'B', 'tie' (a tie by the judge), 'flipped' (the orders disagreed:
 * position bias, no winner) or 'failed' (no verdict could be read). Single answer: the mean
 * score, or 'failed'.
 */
export type PairResultValue = Verdict | 'flipped' | 'failed' | number;

/** As much of a judgment (stored record, review facts, live result) as its pair's result needs. */
export interface JudgmentLike {
  protocol?: string;
  order: Order;
  /** In the item's original positions. */
  verdict: Verdict | null;
  probabilities?: { A: number; B: number; tie?: number } | null;
  score?: number | null;
}

/** Whether a protocol compares two things (pairwise, or meta: two judgments) rather than scoring one. */
export function isPairwiseProtocol(protocol: string | undefined): boolean {
  // 'meta-judge': a meta-judge run (review/meta.ts) compares two judgments in two orders.
  return protocol === 'pairwise' || protocol === 'meta' || protocol === 'meta-judge';
}

/** A judgment as aggregateJudgments reads it. */
export function asVerdictSample(j: JudgmentLike): VerdictSample {
  return {
    order: j.order,
    verdict: j.verdict,
    probabilities: j.probabilities ?? null,
    score: j.score,
  };
}

const VERDICTS: ReadonlySet<unknown> = new Set(['A', 'B', 'tie']);

/** A label that pairwise agreement can use ('A', 'B' or 'tie'); null for scores or none. */
export function pairwiseLabel(label: unknown): Verdict | null {
  return VERDICTS.has(label) ? (label as Verdict) : null;
}

/** The result value of an aggregate (see PairResultValue). */
export function resultOf(agg: ItemAggregate, pairwise: boolean): PairResultValue {
  if (!pairwise) return agg.scores ? agg.scores.mean : 'failed';
  if (agg.consistency === 'flipped') return 'flipped';
  return agg.verdict ?? 'failed';
}

/**
 * Whether an item's verdict agrees with its label. Null when there is no pairwise label or no
 * verdict was read (a failure is not a disagreement; strict accuracy counts it separately). A
 * flip never agrees, even with a tie label: the judge did not call a tie, it followed position.
 */
export function agreesWithLabel(
  agg: Pick<ItemAggregate, 'verdict' | 'consistency'>,
  label: unknown,
): boolean | null {
  const gold = pairwiseLabel(label);
  if (gold === null || agg.verdict === null) return null;
  return agg.consistency !== 'flipped' && agg.verdict === gold;
}

/** A pair's result: the judge core's aggregate, the result value, and agreement with a label. */
export interface PairOutcome extends ItemAggregate {
  pairwise: boolean;
  result: PairResultValue;
  /** See agreesWithLabel; always null for single answers. */
  correct: boolean | null;
}

/**
 * The one function from a pair's judgments (one run, one item; any orders and samples) to its
 * result. `pairwise` defaults to what the judgments' protocol says.
 */
export function pairOutcome(
  judgments: readonly JudgmentLike[],
  label: unknown = null,
  pairwise: boolean = judgments.some((j) => isPairwiseProtocol(j.protocol)),
): PairOutcome {
  const agg = aggregateJudgments(pairwise, judgments.map(asVerdictSample));
  return outcomeOf(agg, pairwise, label);
}

/** pairOutcome from an aggregate already computed (the review's fast path computes its own). */
export function outcomeOf(agg: ItemAggregate, pairwise: boolean, label: unknown): PairOutcome {
  return {
    ...agg,
    pairwise,
    result: resultOf(agg, pairwise),
    correct: pairwise ? agreesWithLabel(agg, label) : null,
  };
}

/**
 * Agreement with labels over items. `accuracy` is over the items whose verdict could be read, with
 * `failed` beside it; `strictAccuracy` counts every labelled item, a failure as wrong.
 */
export interface LabelAgreement {
  /** Items with a pairwise label. */
  labelled: number;
  /** Of those, items with a verdict. */
  parsed: number;
  /** Of those, items with no verdict (every judgment failed to parse). */
  failed: number;
  /** Items whose verdict agrees with the label. */
  agree: number;
  /** agree / parsed; null when nothing parsed. */
  accuracy: number | null;
  /** agree / labelled; null without labels. */
  strictAccuracy: number | null;
}

/** Tallies LabelAgreement over items, each given as its label and its agreement (agreesWithLabel). */
export function labelAgreement(
  items: Iterable<{ label: unknown; correct: boolean | null }>,
): LabelAgreement {
  let labelled = 0;
  let parsed = 0;
  let agree = 0;
  for (const it of items) {
    if (pairwiseLabel(it.label) === null) continue;
    labelled++;
    if (it.correct === null) continue;
    parsed++;
    if (it.correct) agree++;
  }
  return {
    labelled,
    parsed,
    failed: labelled - parsed,
    agree,
    accuracy: parsed ? agree / parsed : null,
    strictAccuracy: labelled ? agree / labelled : null,
  };
}
