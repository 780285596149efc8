// The summary stored on a finished run (RunRecord.summary): one shape the app's runner and the CLI both write, checked wherever it is read.
import * as v from 'valibot';
import type { Consistency } from '../judge/aggregate';
import {
  labelAgreement,
  pairOutcome,
  type JudgmentLike,
  type LabelAgreement,
} from '../judge/outcome';
import type { ParseStatus } from '../judge/types';

/** Version of the summary's shape; the first shapes (app and CLI) carried none and differed. */
export const RUN_SUMMARY_VERSION = 2;

/** What a finished run's summary says; every number is computed by summarizeRun. */
// A type, not an interface, so it fits RunRecord.summary (a record of unknown values).
export type RunSummary = {
  version: typeof RUN_SUMMARY_VERSION;
  /** Pairwise (or meta) rather than single-answer scores. */
  pairwise: boolean;
  /** Items the run was asked to judge. */
  items: number;
  /** Items with at least one judgment. */
  judgedItems: number;
  judgments: number;
  /** Judgments whose verdict (or score) could not be read. */
  parseFailures: number;
  /** Item verdicts (pairwise): a flip counts as a tie, none = no verdict could be read. */
  verdicts: { A: number; B: number; tie: number; none: number };
  /** Items per consistency of their orders (pairwise). */
  consistency: Partial<Record<Consistency, number>>;
  /** Agreement with the items' labels (pairwise; zeros without labels). */
  labels: LabelAgreement;
  /** Single answer: the mean of the items' mean scores. */
  meanScore: number | null;
  /** App runner only: failures recorded by the run (too long, engine errors, parse failures). */
  failures?: number;
  /** App runner only: mean idle time between judgments, ms. */
  meanGapMs?: number | null;
};

/** One judgment as the summary needs it. */
export type SummaryJudgment = JudgmentLike & { parse: ParseStatus };

/**
 * The summary of a run from its items (in the run) and their judgments, grouped by item id.
 * Every item's result is the judge core's pairOutcome; agreement is labelAgreement's.
 */
export function summarizeRun(
  pairwise: boolean,
  items: Iterable<{ id: string; label?: unknown }>,
  judgmentsByItem: ReadonlyMap<string, readonly SummaryJudgment[]>,
): RunSummary {
  const verdicts = { A: 0, B: 0, tie: 0, none: 0 };
  const consistency: Partial<Record<Consistency, number>> = {};
  const outcomes: { label: unknown; correct: boolean | null }[] = [];
  const scores: number[] = [];
  let count = 0;
  let judgedItems = 0;
  let judgments = 0;
  let parseFailures = 0;
  for (const item of items) {
    count++;
    const js = judgmentsByItem.get(item.id);
    if (!js || js.length === 0) continue;
    judgedItems++;
    judgments += js.length;
    for (const j of js) if (j.parse === 'failed') parseFailures++;
    const o = pairOutcome(js, item.label, pairwise);
    if (pairwise) {
      verdicts[o.verdict ?? 'none']++;
      if (o.consistency) consistency[o.consistency] = (consistency[o.consistency] ?? 0) + 1;
      outcomes.push({ label: item.label, correct: o.correct });
    } else if (o.scores) scores.push(o.scores.mean);
  }
  return {
    version: RUN_SUMMARY_VERSION,
    pairwise,
    items: count,
    judgedItems,
    judgments,
    parseFailures,
    verdicts,
    consistency,
    labels: labelAgreement(outcomes),
    meanScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
  };
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const ratio = v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(1)));

/** The schema of RunSummary; loose, so fields a later version adds pass through. */
export const runSummarySchema = v.looseObject({
  version: v.literal(RUN_SUMMARY_VERSION),
  pairwise: v.boolean(),
  items: count,
  judgedItems: count,
  judgments: count,
  parseFailures: count,
  verdicts: v.looseObject({ A: count, B: count, tie: count, none: count }),
  consistency: v.record(v.string(), count),
  labels: v.looseObject({
    labelled: count,
    parsed: count,
    failed: count,
    agree: count,
    accuracy: ratio,
    strictAccuracy: ratio,
  }),
  meanScore: v.nullable(v.pipe(v.number(), v.finite())),
  failures: v.optional(count),
  meanGapMs: v.optional(v.nullable(v.pipe(v.number(), v.finite()))),
});

/** The run's summary when it has this version's shape; null for none, an older shape or a bad one. */
export function readRunSummary(summary: unknown): RunSummary | null {
  const r = v.safeParse(runSummarySchema, summary);
  return r.success ? (r.output as RunSummary) : null;
}

/** Why a stored summary cannot be read (for an import report), or null when it can or there is none. */
export function runSummaryProblem(summary: unknown): string | null {
  if (summary === null || summary === undefined) return null;
  const r = v.safeParse(runSummarySchema, summary);
  if (r.success) return null;
  const first = r.issues[0];
  const path = first ? v.getDotPath(first) : null;
  return `summary${path ? `.${path}` : ''}: ${first?.message ?? 'invalid'}`;
}
