// Demo mode's panel: several judges, loaded one at a time on this tab's engine, each judging the bundled labeled pairs in both orders.
import {
  getTemplate,
  pairOutcome,
  type PairResultValue,
  type Template,
  type Verdict,
} from '../judge';
import { defaultJudgeOptions } from '../judge/options';
import { AbortedError } from '../engine/errors';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import type { OfferedModel } from '../engine/offered';
import type { CachedModel } from '../engine/cache';
import type { JudgmentRecord, Repositories } from '../store';
import type { ExamplePair } from '../data/examples';
import { defaultMaxTokens } from './form';
import { findStored, planJudgments, runPair, type PairContext } from './pair';

/** The protocol of the demo's panel, the same as the tour's and "judge vs humans". */
export const PANEL_TEMPLATE_ID = 'j1-pairwise';

/** The e2e build's judges that disagree: the panel it starts with when they are offered. */
export const TEST_PANEL = ['arbiter-test-flipper', 'arbiter-test-longer', 'arbiter-test-good'];
/** At most this many members: each loads in turn, and the room should not wait long. */
export const MAX_MEMBERS = 3;

/** A model the panel can use without a download: loaded, cached whole, or a test model. */
export interface PanelCandidate {
  spec: ModelSpec;
  label: string;
  /** Why it is available, in words: "loaded", "downloaded", "test model". */
  why: 'loaded' | 'downloaded' | 'test model';
}

/**
 * The models a workshop panel can use now: the loaded one, those whose files are all cached, and
 * the e2e build's test models; never one that would need a download in front of the room.
 */
export function panelCandidates(
  offered: readonly OfferedModel[],
  cache: readonly CachedModel[],
  loaded: ModelSpec | null,
): PanelCandidate[] {
  const out: PanelCandidate[] = [];
  for (const m of offered) {
    const id = m.spec.modelId;
    const cached = cache.some((c) => c.modelId === id && c.complete);
    const why =
      id === loaded?.modelId ? 'loaded' : cached ? 'downloaded' : m.test ? 'test model' : null;
    if (why) out.push({ spec: m.spec, label: m.label, why });
  }
  // A server's model or a custom one may be loaded without being in the offered list.
  if (loaded && !out.some((c) => c.spec.modelId === loaded.modelId))
    out.unshift({ spec: loaded, label: loaded.modelId, why: 'loaded' });
  return out;
}

/** The panel offered first: the test judges that disagree when present, else the first candidates. */
export function defaultPanel(candidates: readonly PanelCandidate[]): string[] {
  const ids = candidates.map((c) => c.spec.modelId);
  const test = TEST_PANEL.filter((id) => ids.includes(id));
  return test.length >= 2 ? test : ids.slice(0, MAX_MEMBERS);
}

/** One member's judgment of one pair, as the panel step shows it. */
export interface PanelCell {
  /** The verdict with A shown first, in the pair's own positions; null when unread. */
  ab: Verdict | null;
  /** The verdict with B shown first, mapped back to the pair's own positions. */
  ba: Verdict | null;
  /** 'A', 'B', 'tie', 'flipped' (the orders disagree) or 'failed' (see PairResultValue). */
  result: PairResultValue;
  /** Agreement with the pair's human label (agreesWithLabel: a flip never agrees). */
  correct: boolean | null;
  /** The stored pair run holding the two judgments. */
  runId: string;
  /** Found in storage: judged before with the same model and settings, not judged again. */
  reused: boolean;
}

/** Where the panel is; the view says it in words. */
export type PanelDemoStage =
  | { kind: 'loading'; member: number; modelId: string }
  | { kind: 'judging'; member: number; modelId: string; pair: number };

/** What the panel needs from the app: the tab's engine, storage, and a way to load a model on it. */
export interface PanelDemoDeps {
  engine: Pick<JudgeEngine, 'kind' | 'generate' | 'countTokens'>;
  repositories(): Promise<Repositories>;
  /** Load `spec` on this tab's engine (replacing what is loaded); rejects when it fails. */
  load(spec: ModelSpec): Promise<void>;
}

export interface PanelDemoHooks {
  onStage?: (stage: PanelDemoStage) => void;
  onCell?: (member: number, pair: number, cell: PanelCell) => void;
  /** A pair run was created (the demo's reset deletes them). */
  onRunCreated?: (runId: string) => void;
  /** A judgment could not be stored: judging goes on, the page says what was not saved. */
  onStorageError?: (error: unknown) => void;
  signal?: AbortSignal;
}

/** A member's model could not be loaded: the message names it and what to do. */
export class PanelMemberLoadError extends Error {
  override name = 'PanelMemberLoadError';
  constructor(
    readonly modelId: string,
    cause: unknown,
  ) {
    super(
      `${modelId} could not be loaded (${(cause as Error | undefined)?.message ?? String(cause)}). ` +
        'The judgments made so far are kept. Open Models to load it and see why, or leave it out of the panel.',
      { cause },
    );
  }
}

function template(): Template {
  const t = getTemplate(PANEL_TEMPLATE_ID);
  if (!t) throw new Error(`The ${PANEL_TEMPLATE_ID} template is missing.`);
  return t;
}

/** The pair as `spec` judges it: the tour's protocol and options, the model's default budget. */
export function panelContext(
  engine: PanelDemoDeps['engine']['kind'],
  spec: ModelSpec,
  pair: ExamplePair,
): PairContext {
  const t = template();
  return {
    item: { prompt: pair.prompt, responseA: pair.responseA, responseB: pair.responseB },
    template: t,
    options: { ...defaultJudgeOptions(), maxTokens: defaultMaxTokens(t, spec) },
    model: { engine, modelId: spec.modelId, thinking: spec.thinking },
  };
}

/** A member's cell from the pair's stored judgments. */
export function cellOf(
  records: readonly JudgmentRecord[],
  label: ExamplePair['label'],
  runId: string,
  reused: boolean,
): PanelCell {
  const outcome = pairOutcome(records, label, true);
  const verdictIn = (order: 'AB' | 'BA') => records.find((r) => r.order === order)?.verdict ?? null;
  return {
    ab: verdictIn('AB'),
    ba: verdictIn('BA'),
    result: outcome.result,
    correct: outcome.correct,
    runId,
    reused,
  };
}

/**
 * Judge every pair with every member, one member at a time: each is loaded on the tab's engine
 * (one model on the GPU at a time), then judges the pairs in both orders. Work stored before
 * (same model, pair and settings) is shown, not redone, so a second run after a reload or a Stop
 * goes on where it ended. Rejects with AbortedError on Stop and PanelMemberLoadError when a model
 * does not load; cells already reported stay valid and stored.
 */
export async function runPanelDemo(
  deps: PanelDemoDeps,
  members: readonly ModelSpec[],
  pairs: readonly ExamplePair[],
  hooks: PanelDemoHooks = {},
): Promise<PanelCell[][]> {
  const repos = await deps.repositories();
  const cells: PanelCell[][] = members.map(() => []);
  for (const [m, spec] of members.entries()) {
    if (hooks.signal?.aborted) throw new AbortedError();
    hooks.onStage?.({ kind: 'loading', member: m, modelId: spec.modelId });
    try {
      await deps.load(spec);
    } catch (e) {
      if ((e as Error | undefined)?.name === 'AbortedError') throw e;
      throw new PanelMemberLoadError(spec.modelId, e);
    }
    for (const [p, pair] of pairs.entries()) {
      if (hooks.signal?.aborted) throw new AbortedError();
      hooks.onStage?.({ kind: 'judging', member: m, modelId: spec.modelId, pair: p });
      const ctx = panelContext(deps.engine.kind, spec, pair);
      const plan = await planJudgments(ctx);
      const stored = await findStored(repos, plan);
      let cell: PanelCell;
      if (stored) {
        cell = cellOf(stored.records, pair.label, stored.runId, true);
      } else {
        const done = await runPair(repos, deps.engine, ctx, plan, {
          ...(hooks.onRunCreated ? { onRunCreated: hooks.onRunCreated } : {}),
          ...(hooks.onStorageError ? { onStorageError: hooks.onStorageError } : {}),
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        });
        cell = cellOf(done.records, pair.label, done.runId, false);
        // Its last write lands before the next pair starts, so a reload loses at most one pair.
        await done.saved;
      }
      cells[m]!.push(cell);
      hooks.onCell?.(m, p, cell);
    }
  }
  return cells;
}
