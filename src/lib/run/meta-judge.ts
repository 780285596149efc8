// Meta-judging from the review: creates a meta-judge run, asks the engine which of two judgments is better, stores what it finds.
import { judgeItem } from '../judge/judge-item';
import { defaultMaxTokens } from '../judge/options';
import { metaRewardingMeta } from '../judge/templates/meta-rewarding';
import type { JudgeEngine } from '../engine/types';
import type { ItemRecord, JudgmentParams, JudgmentRecord, Repositories, RunRecord } from '../store';
import { newId } from '../store';
import {
  metaItem,
  metaRecord,
  metaResult,
  metaRun,
  type MetaRunContext,
  type MetaSummary,
} from '../review/meta';

/** The loaded model the meta-judge runs on. */
export interface MetaModel {
  modelId: string;
  thinking: boolean;
}

/** A meta-judge run stored as 'running', ready for `judgeMetaRun`. */
export interface MetaJob {
  run: RunRecord;
  ctx: MetaRunContext;
  item: ItemRecord;
  a: JudgmentRecord;
  b: JudgmentRecord;
}

/**
 * Stores the run first, so every judgment written later has a run to belong to. Rejects (and
 * nothing is stored) when the run cannot be written.
 */
export async function createMetaRun(
  repos: Repositories,
  engine: JudgeEngine,
  model: MetaModel,
  item: ItemRecord,
  a: JudgmentRecord,
  b: JudgmentRecord,
  now = Date.now(),
): Promise<MetaJob> {
  const template = metaRewardingMeta;
  // Greedy and in both orders: the verdict between two judgments should not depend on the draw.
  const params: JudgmentParams = {
    temperature: 0,
    seed: 1,
    max_tokens: defaultMaxTokens(template, model.thinking),
    samples: 1,
    bothOrders: true,
    constrained: false,
  };
  const ctx: MetaRunContext = {
    runId: newId(),
    itemId: item.id,
    engine: engine.kind,
    modelId: model.modelId,
    templateId: template.id,
    templateVersion: template.version,
    params,
    judgmentA: a.id,
    judgmentB: b.id,
    now,
  };
  const run = metaRun(ctx);
  await repos.runs.put(run);
  return { run, ctx, item, a, b };
}

/**
 * Judges the pair in both orders with the Meta-Rewarding meta-judge template, storing each
 * judgment the moment it is parsed, and marks the run done with its verdict. On an error or an
 * abort the run is marked failed (what was parsed stays stored) and the error is rethrown.
 */
export async function judgeMetaRun(
  repos: Repositories,
  engine: JudgeEngine,
  model: MetaModel,
  job: MetaJob,
  opts: { signal?: AbortSignal; onText?: (text: string) => void } = {},
): Promise<MetaSummary> {
  const { run, ctx, item, a, b } = job;
  const writes: Promise<void>[] = [];
  let done = 0;
  try {
    const result = await judgeItem(
      engine,
      metaItem(item, a, b),
      {
        template: metaRewardingMeta,
        thinkingModel: model.thinking,
        bothOrders: true,
        temperature: 0,
        seed: 1,
        max_tokens: ctx.params.max_tokens,
      },
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onText ? { onToken: (_o, _s, _d, text) => opts.onText?.(text) } : {}),
        onJudgment: (j) => {
          done++;
          const key = `meta:${a.id}:${b.id}:${ctx.modelId}:${j.order}:${j.sample}`;
          writes.push(repos.judgments.put(metaRecord(j, ctx, newId(), key)));
        },
      },
    );
    await Promise.all(writes);
    const summary = metaResult(run.summary as unknown as MetaSummary, result);
    await repos.runs.update(run.id, {
      status: 'done',
      progress: { total: 2, done, failed: 0 },
      summary: summary as unknown as Record<string, unknown>,
    });
    return summary;
  } catch (e) {
    await Promise.allSettled(writes);
    await repos.runs
      .update(run.id, { status: 'failed', progress: { total: 2, done, failed: 1 } })
      .catch(() => undefined);
    throw e;
  }
}

/**
 * The whole meta-judge: the run, then the judging. `onCreated` says the run was stored (a failure
 * before it leaves nothing behind to show).
 */
export async function metaJudge(
  repos: Repositories,
  engine: JudgeEngine,
  model: MetaModel,
  pair: { item: ItemRecord; a: JudgmentRecord; b: JudgmentRecord },
  opts: { signal?: AbortSignal; onText?: (text: string) => void; onCreated?: () => void } = {},
): Promise<MetaSummary> {
  const job = await createMetaRun(repos, engine, model, pair.item, pair.a, pair.b);
  opts.onCreated?.();
  return judgeMetaRun(repos, engine, model, job, opts);
}
