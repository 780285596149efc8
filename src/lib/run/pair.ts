// Judges one pair (the "One pair" journey): reuses stored work, runs what is missing, saves each judgment as it completes.
import {
  buildRequest,
  judgeItem,
  type ItemJudgment,
  type JudgeConfig,
  type JudgeHooks,
  type Judgment,
  type JudgeItem,
  type Order,
  type Template,
} from '../judge';
import type { EngineKind, JudgmentParams, JudgmentRecord, Repositories, RunPatch } from '../store';
import { judgmentKey, newId } from '../store';
import type { JudgeOptions } from '../judge/options';
import { fromRecords } from '../review/records';
import { roundUsage } from '../data/round';

/**
 * What the user chose besides the template (the judge core's JudgeOptions); every field ends up in
 * the stored parameters. temperature null: the protocol's default (0 for one plain sample; 1,
 * seeded, when sampling or reading logprobs).
 */
export type PairOptions = JudgeOptions;

export interface PairModel {
  engine: EngineKind;
  modelId: string;
  thinking: boolean;
  /**
   * A constrained judgment runs under the protocol's own verdict grammar (free reasoning, then
   * the verdict as the protocol writes it) rather than the JSON form. Default: takesVerdictGrammar.
   */
  grammar?: boolean;
}

/**
 * Whether an engine constrains with the protocol's verdict grammar: llama.cpp and web-llm
 * (XGrammar) always; an OpenAI-compatible server when its "Constrained verdicts" setting names
 * its grammar field (guided decoding is server-specific). The test engine keeps the JSON form.
 */
export function takesVerdictGrammar(
  engine: EngineKind,
  spec: { verdictGrammar?: boolean } = {},
): boolean {
  if (engine === 'wllama' || engine === 'webllm') return true;
  return engine === 'openai' && spec.verdictGrammar === true;
}

export interface PairContext {
  item: JudgeItem;
  template: Template;
  options: PairOptions;
  model: PairModel;
}

/** One planned unit of work: an order and a sample, with its key. */
export interface PlannedJudgment {
  order: Order;
  sample: number;
  key: string;
}

export function judgeConfig(ctx: PairContext): JudgeConfig {
  const o = ctx.options;
  return {
    template: ctx.template,
    thinkingModel: ctx.model.thinking,
    bothOrders: o.bothOrders,
    allowTie: o.allowTie,
    samples: o.samples,
    ...(o.temperature !== null ? { temperature: o.temperature } : {}),
    seed: o.seed,
    max_tokens: o.maxTokens,
    // A verdict-only judgment is read from its logprobs: that is the protocol, not an option.
    logprobs: o.logprobs || ctx.template.family === 'verdict-only',
    constrained: o.constrained,
    // Engines that take grammars get the protocol's own verdict grammar: the reasoning stays
    // free and the verdict is the protocol's. The others keep the JSON form.
    ...((ctx.model.grammar ?? takesVerdictGrammar(ctx.model.engine))
      ? { constraint: 'grammar' as const }
      : {}),
  };
}

/** The stored parameters: what the request really carried, so a judgment can be reproduced. */
export function judgmentParams(ctx: PairContext): JudgmentParams {
  const req = buildRequest(ctx.item, judgeConfig(ctx), 'AB');
  const params: JudgmentParams = {
    temperature: req.temperature ?? ctx.options.temperature ?? 0,
    seed: ctx.options.seed,
    max_tokens: req.max_tokens ?? ctx.options.maxTokens,
    samples: ctx.options.samples,
    bothOrders: ctx.options.bothOrders,
    constrained: ctx.options.constrained,
    allowTie: ctx.options.allowTie && ctx.template.allowsTie,
  };
  if (req.response_format?.type === 'grammar' && ctx.template.family !== 'verdict-only')
    params.constraint = 'grammar';
  if (req.top_logprobs !== undefined) params.top_logprobs = req.top_logprobs;
  if (req.enable_thinking !== undefined) params.enable_thinking = req.enable_thinking;
  return params;
}

function isPairwise(t: Template): boolean {
  return t.kind === 'pairwise' || t.kind === 'meta';
}

/** Rubrics are stored as text: JSON of the judge core's Rubric. */
export function rubricText(item: JudgeItem): string | undefined {
  return item.rubric ? JSON.stringify(item.rubric) : undefined;
}

/** The judgments this context will produce, each with the key that identifies its work. */
export async function planJudgments(ctx: PairContext): Promise<PlannedJudgment[]> {
  const orders: Order[] =
    isPairwise(ctx.template) && ctx.options.bothOrders ? ['AB', 'BA'] : ['AB'];
  const params = judgmentParams(ctx);
  const { prompt, responseA, responseB, reference, conversation } = ctx.item;
  const units = orders.flatMap((order) =>
    Array.from({ length: Math.max(1, ctx.options.samples) }, (_, sample) => ({ order, sample })),
  );
  return Promise.all(
    units.map(async ({ order, sample }) => ({
      order,
      sample,
      key: await judgmentKey({
        engine: ctx.model.engine,
        modelId: ctx.model.modelId,
        protocol: ctx.template.kind,
        templateId: ctx.template.id,
        templateVersion: ctx.template.version,
        params: { ...params },
        item: {
          prompt,
          responseA,
          responseB,
          reference,
          rubric: rubricText(ctx.item),
          conversation,
        },
        order,
        sample,
      }),
    })),
  );
}

/** A complete earlier result for exactly this work, or null when any planned judgment is missing. */
export async function findStored(
  repos: Repositories,
  plan: PlannedJudgment[],
): Promise<{ runId: string; records: JudgmentRecord[] } | null> {
  const copies = await repos.judgments.byKeys(plan.map((p) => p.key));
  // The newest copy wins (byKeys sorts them so): a deliberate re-run replaces what is shown.
  const found = copies.map((records) => records[0]);
  if (found.some((r) => r === undefined)) return null;
  const records = found as JudgmentRecord[];
  const runId = records[0]?.runId;
  return runId ? { runId, records } : null;
}

export interface PairHooks {
  /** The run's id, as soon as it exists (the caller holds its liveness lock with it). */
  onRunCreated?: (runId: string) => void;
  onToken?: JudgeHooks['onToken'];
  pace?: JudgeHooks['pace'];
  /** A judgment is complete (before it is stored). */
  onJudgment?: (record: JudgmentRecord) => void;
  /** A judgment is stored. */
  onSaved?: (record: JudgmentRecord) => void;
  /** A write failed; the judgment stays in memory and judging goes on. */
  onStorageError?: (error: unknown) => void;
  signal?: AbortSignal;
}

export interface PairResult {
  runId: string;
  itemId: string;
  result: ItemJudgment;
  records: JudgmentRecord[];
  /**
   * Settles when every write of this pair has landed or failed, with the first storage error
   * (null when all were saved). The verdict need not wait for it.
   */
  saved: Promise<unknown>;
}

/**
 * Run the pair and store it: an item and a run, then each judgment the moment it is parsed.
 * Writes are chained so they land in order, and judging never waits for them. A storage failure
 * never stops the judging: `saved` reports it. Rejects with AbortedError when stopped; judgments
 * stored before that stay stored and the run is marked cancelled.
 */
export async function runPair(
  repos: Repositories,
  engine: Parameters<typeof judgeItem>[0],
  ctx: PairContext,
  plan: PlannedJudgment[],
  hooks: PairHooks = {},
): Promise<PairResult> {
  const now = Date.now();
  const itemId = newId();
  const runId = newId();
  hooks.onRunCreated?.(runId);
  const params = judgmentParams(ctx);
  let storageError: unknown = null;
  let writes: Promise<void> = Promise.resolve();
  // Must keep the chain alive after a failure: one failed write must not drop the ones after it.
  const write = (op: () => Promise<unknown>): Promise<void> => {
    writes = writes.then(op).then(
      () => undefined,
      (e: unknown) => {
        storageError ??= e;
        hooks.onStorageError?.(e);
      },
    );
    return writes;
  };

  const { prompt, responseA, responseB, reference, modelA, modelB } = ctx.item;
  void write(() =>
    repos.items.put({
      id: itemId,
      index: 0,
      prompt,
      responseA,
      ...(responseB !== undefined ? { responseB } : {}),
      ...(reference ? { reference } : {}),
      ...(ctx.item.rubric ? { rubric: rubricText(ctx.item) } : {}),
      ...(modelA ? { modelA } : {}),
      ...(modelB ? { modelB } : {}),
      meta: {},
    }),
  );
  void write(() =>
    repos.runs.put({
      id: runId,
      createdAt: now,
      updatedAt: now,
      status: 'running',
      config: {
        engine: ctx.model.engine,
        modelId: ctx.model.modelId,
        protocol: ctx.template.kind,
        templateId: ctx.template.id,
        templateVersion: ctx.template.version,
        params,
      },
      progress: { total: plan.length, done: 0, failed: 0 },
      summary: null,
    }),
  );

  const records: JudgmentRecord[] = [];
  const progress = () => ({ total: plan.length, done: records.length, failed: 0 });
  // A judgment and the run's progress land in one transaction, so storage never holds a judgment
  // the run does not count. The last judgment waits for the verdict (a microtask later) and lands
  // with the final status and summary: a crash can no longer leave it beside a "running" run.
  let last: JudgmentRecord | null = null;
  const save = (j: Judgment) => {
    const key = plan.find((p) => p.order === j.order && p.sample === j.sample)?.key ?? '';
    const record = toRecord(j, { runId, itemId, key, params, ctx });
    records.push(record);
    hooks.onJudgment?.(record);
    if (records.length === plan.length) {
      last = record;
      return;
    }
    const snapshot = progress();
    void write(async () => {
      await repos.judgments.putMany([record], { id: runId, patch: { progress: snapshot } });
      hooks.onSaved?.(record);
    });
  };
  /** The final write: the last judgment (if any) with the run's end state, in one transaction. */
  const finish = (patch: RunPatch) => {
    const record = last;
    last = null;
    if (!record) return write(() => repos.runs.update(runId, patch));
    return write(async () => {
      try {
        await repos.judgments.putMany([record], { id: runId, patch });
        hooks.onSaved?.(record);
      } catch (e) {
        // The judgment could not be stored (quota, say): the run still must not stay "running".
        await repos.runs.update(runId, patch).catch(() => undefined);
        throw e;
      }
    });
  };

  try {
    const result = await judgeItem(engine, ctx.item, judgeConfig(ctx), {
      ...(hooks.onToken ? { onToken: hooks.onToken } : {}),
      ...(hooks.pace ? { pace: hooks.pace } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onJudgment: save,
    });
    const saved = finish({
      status: 'done',
      progress: progress(),
      summary: summaryOf(result),
    }).then(() => storageError);
    return { runId, itemId, result, records, saved };
  } catch (e) {
    const cancelled = (e as Error | undefined)?.name === 'AbortedError';
    await finish({ status: cancelled ? 'cancelled' : 'failed', progress: progress() });
    throw e;
  }
}

function summaryOf(r: ItemJudgment): Record<string, unknown> {
  return {
    verdict: r.verdict,
    consistency: r.consistency,
    confidence: r.confidence,
    preferenceA: r.preferenceA,
    score: r.scores?.mean ?? null,
  };
}

interface RecordContext {
  runId: string;
  itemId: string;
  key: string;
  params: JudgmentParams;
  ctx: PairContext;
}

/** A judge-core judgment as the store keeps it. */
export function toRecord(j: Judgment, rc: RecordContext): JudgmentRecord {
  const probs = j.probabilities;
  return {
    id: newId(),
    runId: rc.runId,
    itemId: rc.itemId,
    protocol: rc.ctx.template.kind,
    templateId: j.templateId,
    templateVersion: j.templateVersion,
    engine: rc.ctx.model.engine,
    modelId: rc.ctx.model.modelId,
    params: rc.params,
    order: j.order,
    sample: j.sample,
    text: j.text,
    verdict: j.parse.verdict,
    rawVerdict: j.shownVerdict,
    score: j.scoreProbabilities?.expected ?? j.parse.score ?? null,
    strength: j.parse.strength ?? null,
    probabilities: probs ? { A: probs.A, B: probs.B, tie: probs.tie } : null,
    parse: j.parse.status,
    parseSpan: j.parse.span,
    finishReason: j.finishReason,
    ...(j.continued ? { continued: true } : {}),
    // Rounded once, here, so the store and both exports hold the same numbers.
    usage: roundUsage(j.usage),
    key: rc.key,
    createdAt: Date.now(),
  };
}

export { fromRecords };
