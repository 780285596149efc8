// Meta-judging from the review: which of two judgments of one item is better, as records of a run of its own.
import type { ItemJudgment, Judgment } from '../judge/judge-item';
import type { JudgeItem } from '../judge/types';
import type {
  EngineKind,
  ItemRecord,
  JudgmentParams,
  JudgmentRecord,
  RunRecord,
} from '../store/schema';

/** The protocol id of meta-judge runs and judgments (RunConfig.protocol, JudgmentRecord.protocol). */
export const META_PROTOCOL = 'meta-judge';

/** What a meta-judge run's `summary` holds: which two judgments it compared and what it found. */
export interface MetaSummary {
  kind: 'meta-judge';
  itemId: string;
  /** Judgment shown as "Judgement A" in the A/B order. */
  judgmentA: string;
  judgmentB: string;
  /** The better judgment ('A' = judgmentA), or 'tie' when the two orders disagree, null when unparsed. */
  verdict: 'A' | 'B' | 'tie' | null;
  consistency: string | null;
}

/**
 * The answer text the meta-judge reads. A single-answer item is its answer; a pair is shown as
 * both answers, labelled, since the judgments under review compared them.
 */
export function metaAnswer(item: ItemRecord): string {
  if (item.responseB === undefined) return item.responseA;
  return `Answer A:\n${item.responseA}\n\nAnswer B:\n${item.responseB}`;
}

/** The judge-core item for the Meta-Rewarding meta-judge template. */
export function metaItem(item: ItemRecord, a: JudgmentRecord, b: JudgmentRecord): JudgeItem {
  return { prompt: item.prompt, responseA: metaAnswer(item), judgmentA: a.text, judgmentB: b.text };
}

/** Whether a value is a meta-judge run's summary. */
export function isMetaSummary(s: unknown): s is MetaSummary {
  return typeof s === 'object' && s !== null && (s as { kind?: unknown }).kind === 'meta-judge';
}

export interface MetaRunContext {
  runId: string;
  itemId: string;
  engine: EngineKind;
  modelId: string;
  templateId: string;
  templateVersion: number;
  params: JudgmentParams;
  judgmentA: string;
  judgmentB: string;
  now: number;
}

/** The meta-judge run, created before the first generation so its judgments always have a run. */
export function metaRun(ctx: MetaRunContext): RunRecord {
  const summary: MetaSummary = {
    kind: 'meta-judge',
    itemId: ctx.itemId,
    judgmentA: ctx.judgmentA,
    judgmentB: ctx.judgmentB,
    verdict: null,
    consistency: null,
  };
  return {
    id: ctx.runId,
    name: `Meta-judge: ${ctx.judgmentA.slice(0, 8)} vs ${ctx.judgmentB.slice(0, 8)}`,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    status: 'running',
    config: {
      engine: ctx.engine,
      modelId: ctx.modelId,
      protocol: META_PROTOCOL,
      templateId: ctx.templateId,
      templateVersion: ctx.templateVersion,
      params: ctx.params,
    },
    progress: { total: ctx.params.bothOrders ? 2 : 1, done: 0, failed: 0 },
    summary: summary as unknown as Record<string, unknown>,
  };
}

/** One meta-judge generation as a stored judgment (verdict in the original positions: A = judgmentA). */
export function metaRecord(
  j: Judgment,
  ctx: MetaRunContext,
  id: string,
  key: string,
): JudgmentRecord {
  return {
    id,
    runId: ctx.runId,
    itemId: ctx.itemId,
    protocol: META_PROTOCOL,
    templateId: j.templateId,
    templateVersion: j.templateVersion,
    engine: ctx.engine,
    modelId: ctx.modelId,
    params: ctx.params,
    order: j.order,
    sample: j.sample,
    text: j.text,
    verdict: j.parse.verdict,
    rawVerdict: j.shownVerdict,
    score: null,
    strength: j.parse.strength ?? null,
    probabilities: j.probabilities
      ? { A: j.probabilities.A, B: j.probabilities.B, tie: j.probabilities.tie }
      : null,
    parse: j.parse.status,
    parseSpan: j.parse.span,
    finishReason: j.finishReason,
    usage: j.usage,
    key,
    createdAt: Date.now(),
  };
}

/** The finished summary of a meta-judge run. */
export function metaResult(base: MetaSummary, result: ItemJudgment): MetaSummary {
  return { ...base, verdict: result.verdict, consistency: result.consistency };
}
