// The batch runner: judges a dataset subset, persists in batches, resumes by key, retries transient engine failures.
import {
  buildRequest,
  countItemTokens,
  estimateItemTokens,
  finishVerdict,
  getTemplate,
  toJudgment,
  type Order,
  type Template,
  type Verdict,
} from '../judge';
import {
  AbortedError,
  ContextWindowExceededError,
  DeviceLostError,
  EngineCrashedError,
  EngineError,
  ModelNotLoadedError,
} from '../engine/errors';
import type { GenerateRequest, GenerateResult, JudgeEngine } from '../engine/types';
import {
  newId,
  type ItemRecord,
  type JudgmentRecord,
  type Repositories,
  type RunFailure,
  type RunRecord,
  type RunStatus,
  type VerdictProbabilities,
} from '../store';
import {
  judgeConfig,
  judgmentParams,
  planJudgments,
  toRecord,
  type PairContext,
  type PlannedJudgment,
} from './pair';
import { summarizeRun, type RunSummary } from '../data/run-summary';
import { inSlices, nextTask } from './slices';
import { AllEndpointsDownError } from './endpoints';
import { runPool } from './pool';

/** When the last generation ended, to measure the gap before the next one (sequential runs). */
interface GapClock {
  lastEnd: number | null;
}
import { selectItems, toJudgeItem } from './subset';
import { WriteQueue } from './write-queue';

/** Live state of a run as the UI shows it (also broadcast to other tabs). */
export interface BatchProgress {
  runId: string;
  status: RunStatus;
  /** What the runner is doing now, in words ("Preparing 10,000 items…", "Judging", "Retrying…"). */
  phase: string;
  /** Judgments planned / finished (stored or reused) / failed for themselves. */
  total: number;
  done: number;
  failed: number;
  items: number;
  itemsDone: number;
  /** Judgments taken from earlier work (same key) instead of being generated again. */
  reused: number;
  /** Judgments generated in this session, and waiting to be written. */
  generated: number;
  unsaved: number;
  /** Generations per minute over the recent ones; null until two have finished. */
  perMinute: number | null;
  etaMs: number | null;
  /** Time from one generation's end to the next one's start (ms): last, mean, max. */
  gap: { last: number | null; mean: number | null; max: number | null; count: number };
  /** A transient engine failure being retried. */
  retry: { attempt: number; of: number; reason: string; waitMs: number } | null;
  error: string | null;
  updatedAt: number;
}

export interface BatchDeps {
  repos: Repositories;
  engine: JudgeEngine;
  /** Reloads the run's model after a device loss or worker crash. */
  reload: () => Promise<void>;
  contextWindow: number;
  onProgress?: (p: BatchProgress) => void;
  /** Persisted batches: flush at this many records or this many ms (defaults 64 / 250). */
  flushRecords?: number;
  flushMs?: number;
  /** Attempts per generation on transient failures (default 5), first backoff (default 1,000 ms). */
  maxAttempts?: number;
  backoffMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Yields to the event loop between slices of the start's work (default nextTask). */
  yieldTask?: () => Promise<void>;
}

interface Unit {
  item: ItemRecord;
  ctx: PairContext;
  planned: PlannedJudgment;
}

interface Prepared {
  request: GenerateRequest;
  /** Why it cannot be sent (does not fit the context), or null. */
  tooLong: string | null;
}

/** The verdict-relevant part of a judgment, kept in memory for the summary. */
interface Compact {
  itemId: string;
  order: Order;
  verdict: Verdict | null;
  probabilities: VerdictProbabilities | null;
  score: number | null;
  parse: JudgmentRecord['parse'];
}

const TRANSIENT = [DeviceLostError, EngineCrashedError, ModelNotLoadedError];

/** Whether an engine error goes away after reloading the model. */
export function isTransient(e: unknown): boolean {
  return TRANSIENT.some((C) => e instanceof C) || (e as Error | null)?.name === 'DeviceLostError';
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function compact(r: JudgmentRecord): Compact {
  return {
    itemId: r.itemId,
    order: r.order,
    verdict: r.verdict,
    probabilities: r.probabilities ?? null,
    score: r.score ?? null,
    parse: r.parse,
  };
}

/** Reads every item of a dataset in pages (so a 10,000-item dataset is a few requests). */
export async function datasetItems(repos: Repositories, datasetId: string): Promise<ItemRecord[]> {
  const out: ItemRecord[] = [];
  const page = 2000;
  for (let from = 0; ;) {
    const batch = await repos.items.byDataset(datasetId, { from, limit: page });
    out.push(...batch);
    if (batch.length < page) return out;
    from = (batch[batch.length - 1]?.index ?? from) + 1;
  }
}

/** Items planned (their judgment keys computed) per task when a run starts. */
export const PLAN_SLICE = 100;

/** Keys asked of IndexedDB per transaction when a run starts. */
export const KEY_SLICE = 250;

/**
 * Which keys are stored, asked `KEY_SLICE` at a time: issuing one request per key for a
 * 10,000-judgment run in one go held the main thread for over a second; each slice's requests are
 * issued in the task that received the previous slice's answers.
 */
async function storedKeys(repos: Repositories, keys: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += KEY_SLICE) {
    for (const k of await repos.judgments.existingKeys(keys.slice(i, i + KEY_SLICE))) out.add(k);
  }
  return out;
}

/** The judge context of a run for one item. */
export function runContext(run: RunRecord, template: Template, item: ItemRecord): PairContext {
  const spec = run.spec;
  if (!spec) throw new Error('This run has no batch settings.');
  return {
    item: toJudgeItem(item),
    template,
    options: { ...spec.options },
    model: {
      engine: run.config.engine,
      modelId: run.config.modelId,
      thinking: spec.thinking,
      // As the run was created, so a resumed run plans the same work (the grammar is in its keys).
      grammar: run.config.params.constraint === 'grammar',
    },
  };
}

/**
 * Runs one batch run to its end, a pause or a cancel. Use one instance per attempt: `run()` once,
 * then `pause()`/`cancel()` from outside. Every judgment goes into a write-behind queue the moment
 * it is parsed; the queue writes it with the run's progress in one transaction.
 */
export class BatchRunner {
  private readonly abort = new AbortController();
  private stopAs: 'paused' | 'cancelled' | null = null;
  private queue: WriteQueue<JudgmentRecord> | null = null;
  private failures: RunFailure[] = [];
  private readonly compacts: Compact[] = [];
  private readonly ends: number[] = [];
  private readonly gaps: number[] = [];
  /** Running totals of `gaps`: a progress report after every judgment must not cost the run's length. */
  private readonly gapStats = { last: 0, sum: 0, max: 0, count: 0 };
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly yieldTask: () => Promise<void>;
  private storedDone = 0;
  private storageFailure: unknown = null;
  progress: BatchProgress;

  constructor(
    private readonly deps: BatchDeps,
    readonly runId: string,
  ) {
    this.now = deps.now ?? (() => performance.now());
    this.sleep = deps.sleep ?? defaultSleep;
    this.yieldTask = deps.yieldTask ?? nextTask;
    this.progress = {
      runId,
      status: 'running',
      phase: 'Starting',
      total: 0,
      done: 0,
      failed: 0,
      items: 0,
      itemsDone: 0,
      reused: 0,
      generated: 0,
      unsaved: 0,
      perMinute: null,
      etaMs: null,
      gap: { last: null, mean: null, max: null, count: 0 },
      retry: null,
      error: null,
      updatedAt: Date.now(),
    };
  }

  /** Stops after the current generation is aborted; finished work is flushed. */
  pause(): void {
    this.stopAs ??= 'paused';
    this.abort.abort();
  }

  cancel(): void {
    this.stopAs = 'cancelled';
    this.abort.abort();
  }

  /** Writes what waits now (call on pagehide / visibilitychange). */
  flush(): Promise<void> {
    return this.queue?.flush() ?? Promise.resolve();
  }

  /** Gaps measured between generations (ms), for the benchmark. */
  get measuredGaps(): readonly number[] {
    return this.gaps;
  }

  private emit(patch: Partial<BatchProgress> = {}): void {
    const p = this.progress;
    const recent = this.ends.slice(-20);
    const first = recent[0];
    const last = recent[recent.length - 1];
    const perMinute =
      recent.length >= 2 && first !== undefined && last !== undefined && last > first
        ? ((recent.length - 1) / (last - first)) * 60_000
        : null;
    const remaining = p.total - p.done - p.failed;
    const g = this.gapStats;
    this.progress = {
      ...p,
      ...patch,
      unsaved: this.queue?.size ?? 0,
      perMinute,
      etaMs: perMinute ? (remaining / perMinute) * 60_000 : null,
      gap: {
        last: g.count ? g.last : null,
        mean: g.count ? g.sum / g.count : null,
        max: g.count ? g.max : null,
        count: g.count,
      },
      updatedAt: Date.now(),
    };
    this.deps.onProgress?.(this.progress);
  }

  private noteGap(ms: number): void {
    this.gaps.push(ms);
    const g = this.gapStats;
    g.last = ms;
    g.sum += ms;
    g.max = Math.max(g.max, ms);
    g.count += 1;
  }

  /** Runs to the end (or a pause/cancel/fatal error) and resolves with the final status. */
  async run(): Promise<RunStatus> {
    const { repos } = this.deps;
    const run = await repos.runs.get(this.runId);
    if (!run) throw new Error(`Run ${this.runId} does not exist.`);
    if (!run.spec || !run.datasetId) throw new Error('This run is not a batch run.');
    const template = getTemplate(run.config.templateId);
    if (!template) {
      await repos.runs.update(this.runId, {
        status: 'failed',
        error: `The protocol ${run.config.templateId} is not known to this version of Arbiter.`,
      });
      return 'failed';
    }
    this.failures = [...(run.failures ?? [])];
    this.emit({ phase: 'Reading the dataset', status: 'running' });
    const items = selectItems(await datasetItems(repos, run.datasetId), run.spec.filter);

    this.emit({ phase: `Planning ${items.length.toLocaleString('en')} items` });
    const units: Unit[] = [];
    const perItem = new Map<string, number>();
    // Sliced with a yield between slices: planned in one go, a 5,000-item run's keys held the
    // main thread for one task of over 300 ms right after the dataset was read.
    await inSlices(
      items,
      PLAN_SLICE,
      async (chunk) => {
        const plans = await Promise.all(
          chunk.map(async (item) => {
            const ctx = runContext(run, template, item);
            return { item, ctx, plan: await planJudgments(ctx) };
          }),
        );
        for (const { item, ctx, plan } of plans) {
          perItem.set(item.id, plan.length);
          for (const planned of plan) units.push({ item, ctx, planned });
        }
      },
      { signal: this.abort.signal, yieldTask: this.yieldTask },
    );

    // Work of this run already stored, then work done elsewhere with the same key (copied in).
    const own = new Map<string, JudgmentRecord>();
    for await (const j of repos.judgments.all({ runId: this.runId })) {
      if (!own.has(j.key)) own.set(j.key, j);
    }
    const otherKeys = await storedKeys(
      repos,
      units.map((u) => u.planned.key).filter((k) => !own.has(k)),
    );
    const tooLong = new Set(
      this.failures
        .filter((f) => f.kind === 'too-long')
        .map((f) => `${f.itemId}/${f.order ?? '*'}/${f.sample ?? '*'}`),
    );
    // An 'error' failure is tried again on resume; other kinds are final.
    this.failures = this.failures.filter((f) => f.kind !== 'error');

    const itemLeft = new Map(perItem);
    const settle = (itemId: string) => {
      const left = (itemLeft.get(itemId) ?? 1) - 1;
      itemLeft.set(itemId, left);
      if (left === 0) this.progress.itemsDone += 1;
    };

    this.queue = new WriteQueue<JudgmentRecord>(
      async (batch) => {
        const done = this.storedDone + batch.length;
        await repos.judgments.putMany(batch, {
          id: this.runId,
          patch: {
            progress: {
              total: units.length,
              done,
              failed: this.failedCount(),
              items: items.length,
            },
            failures: this.failures,
          },
        });
        this.storedDone = done;
      },
      {
        ...(this.deps.flushRecords !== undefined ? { maxRecords: this.deps.flushRecords } : {}),
        ...(this.deps.flushMs !== undefined ? { maxDelayMs: this.deps.flushMs } : {}),
        onFailure: (e) => {
          this.storageFailure = e;
          this.pause();
        },
      },
    );

    this.progress = {
      ...this.progress,
      total: units.length,
      items: items.length,
      itemsDone: 0,
      done: 0,
      failed: 0,
      reused: 0,
    };
    const pending: Unit[] = [];
    for (const u of units) {
      const key = u.planned.key;
      const mine = own.get(key);
      if (mine) {
        this.storedDone += 1;
        this.progress.done += 1;
        this.compacts.push(compact(mine));
        settle(u.item.id);
        continue;
      }
      if (
        tooLong.has(`${u.item.id}/${u.planned.order}/${u.planned.sample}`) ||
        tooLong.has(`${u.item.id}/*/*`)
      ) {
        this.progress.failed += 1;
        settle(u.item.id);
        continue;
      }
      if (otherKeys.has(key)) {
        const copy = (await repos.judgments.byKey(key))[0];
        if (copy) {
          const record: JudgmentRecord = {
            ...copy,
            id: newId(),
            runId: this.runId,
            itemId: u.item.id,
          };
          own.set(key, record);
          this.queue.add(record);
          this.compacts.push(compact(record));
          this.progress.done += 1;
          this.progress.reused += 1;
          settle(u.item.id);
          continue;
        }
      }
      pending.push(u);
    }
    this.progress.failed = this.failedCount();
    this.emit({ phase: pending.length ? 'Judging' : 'Finishing' });

    const status = await this.judgeAll(run, template, pending, settle);
    await this.queue.flush();
    this.queue.dispose();
    if (this.storageFailure) {
      const reason = errorText(this.storageFailure);
      await repos.runs
        .update(this.runId, { status: 'paused', error: `Saving failed: ${reason}` })
        .catch(() => undefined);
      this.emit({ status: 'paused', phase: 'Paused', error: `Saving failed: ${reason}` });
      return 'paused';
    }
    const final = await repos.runs.update(this.runId, {
      status,
      progress: {
        total: units.length,
        done: this.storedDone,
        failed: this.failedCount(),
        items: items.length,
      },
      failures: this.failures,
      error: this.progress.error,
      ...(status === 'done' ? { summary: this.summary(template, items) } : {}),
    });
    this.emit({ status: final.status, phase: phaseOf(final.status) });
    return final.status;
  }

  private async judgeAll(
    run: RunRecord,
    template: Template,
    pending: Unit[],
    settle: (itemId: string) => void,
  ): Promise<RunStatus> {
    const signal = this.abort.signal;
    const params = pending[0] ? judgmentParams(pending[0].ctx) : run.config.params;
    const width = Math.max(1, Math.floor(this.deps.engine.parallelism ?? 1));
    if (width > 1) return this.judgeSideBySide(template, pending, settle, params, width);
    // The next unit's request (and fit check) is built while the current one decodes.
    const prepare = (u: Unit | undefined): Promise<Prepared> | null =>
      u ? this.prepare(u, template) : null;
    let next = prepare(pending[0]);
    const clock: GapClock = { lastEnd: null };
    for (let i = 0; i < pending.length; i++) {
      const u = pending[i] as Unit;
      const prepared = await (next as Promise<Prepared>);
      next = prepare(pending[i + 1]);
      if (signal.aborted) break;
      const outcome = await this.judgeUnit(u, prepared, template, params, settle, clock);
      if (outcome === 'paused') return 'paused';
      if (outcome === 'stop') break;
    }
    if (this.stopAs) return this.stopAs;
    return signal.aborted ? 'paused' : 'done';
  }

  /**
   * Several units at once, for an engine that serves requests side by side (a pool of servers):
   * the shared work pool keeps `width` in flight; each judgment is stored as it completes, in
   * completion order. Gaps between generations mean nothing here and are not measured.
   */
  private async judgeSideBySide(
    template: Template,
    pending: Unit[],
    settle: (itemId: string) => void,
    params: RunRecord['config']['params'],
    width: number,
  ): Promise<RunStatus> {
    const signal = this.abort.signal;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let paused = false;
    try {
      await runPool(
        pending,
        async (u) => {
          const prepared = await this.prepare(u, template);
          if (stop.signal.aborted) return;
          const outcome = await this.judgeUnit(u, prepared, template, params, settle, {
            lastEnd: null,
          });
          if (outcome === 'paused') paused = true;
          if (outcome !== 'next') stop.abort();
        },
        { concurrency: width, signal: stop.signal },
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (paused) return 'paused';
    if (this.stopAs) return this.stopAs;
    return signal.aborted ? 'paused' : 'done';
  }

  /** Judge one unit and store it: 'next', 'stop' (the run was stopped) or 'paused' (cannot go on). */
  private async judgeUnit(
    u: Unit,
    prepared: Prepared,
    template: Template,
    params: RunRecord['config']['params'],
    settle: (itemId: string) => void,
    clock: GapClock,
  ): Promise<'next' | 'stop' | 'paused'> {
    const signal = this.abort.signal;
    if (prepared.tooLong) {
      this.fail(u, 'too-long', prepared.tooLong);
      settle(u.item.id);
      clock.lastEnd = null;
      return 'next';
    }
    let res: GenerateResult;
    try {
      res = await this.generate(prepared.request, signal, () => {
        if (clock.lastEnd !== null) this.noteGap(this.now() - clock.lastEnd);
        clock.lastEnd = null;
      });
    } catch (e) {
      if (e instanceof AbortedError || signal.aborted) return 'stop';
      if (e instanceof AllEndpointsDownError) {
        // No server left to send to: keep everything, let the user resume once one is back.
        this.emit({ error: `${errorText(e)}`, retry: null });
        return 'paused';
      }
      if (e instanceof ContextWindowExceededError) {
        this.fail(u, 'too-long', e.message);
      } else if (isTransient(e)) {
        // Retries are used up: stop here, keep everything, let the user resume.
        const msg = `${errorText(e)} It failed ${this.deps.maxAttempts ?? 5} times in a row, so the run is paused; resume when the GPU is free.`;
        this.emit({ error: msg, retry: null });
        return 'paused';
      } else {
        this.fail(u, 'error', errorText(e));
      }
      settle(u.item.id);
      clock.lastEnd = null;
      return 'next';
    }
    clock.lastEnd = this.now();
    this.ends.push(clock.lastEnd);
    // The rate is measured over the last 20 ends; older ones are dropped (now and then, in one go).
    if (this.ends.length > 1000) this.ends.splice(0, this.ends.length - 20);
    let continued = false;
    try {
      // A judgment cut off before its verdict is finished by a short constrained continuation.
      const allowTie = template.allowsTie && u.ctx.options.allowTie;
      const done = await finishVerdict(
        this.deps.engine,
        template,
        prepared.request,
        res,
        allowTie,
        signal,
      );
      res = done.result;
      continued = done.continued;
    } catch (e) {
      if (e instanceof AbortedError || signal.aborted) return 'stop';
      // The cut-off judgment stands as it is (its parse failure is recorded below).
    }
    const j = toJudgment(
      template,
      u.planned.order,
      u.planned.sample,
      prepared.request,
      res,
      continued,
    );
    const record = toRecord(j, {
      runId: this.runId,
      itemId: u.item.id,
      key: u.planned.key,
      params,
      ctx: u.ctx,
    });
    this.queue?.add(record);
    this.compacts.push(compact(record));
    if (record.parse === 'failed') {
      this.fail(u, 'parse', 'No verdict could be read from the judgment.', false);
    }
    this.progress.done += 1;
    this.progress.generated += 1;
    settle(u.item.id);
    this.emit({ retry: null, error: null });
    return 'next';
  }

  /** The request for a unit and whether it fits: heuristic first, the tokenizer when close. */
  private async prepare(u: Unit, template: Template): Promise<Prepared> {
    const config = judgeConfig(u.ctx);
    const request = buildRequest(u.ctx.item, config, u.planned.order, u.planned.sample);
    const window = this.deps.contextWindow;
    const { template: _t, ...opts } = config;
    let est = estimateItemTokens(u.ctx.item, template, opts);
    if (est.total > window * 0.8) {
      est = await countItemTokens(this.deps.engine, u.ctx.item, template, opts).catch(() => est);
    }
    const tooLong =
      est.total > window
        ? `Needs about ${est.promptTokens} prompt tokens plus ${est.maxTokens} for the answer; the model holds ${window}.`
        : null;
    return { request, tooLong };
  }

  /** One generation, retried with backoff after reloading the model when the failure is transient. */
  private async generate(
    request: GenerateRequest,
    signal: AbortSignal,
    onStart: () => void,
  ): Promise<GenerateResult> {
    const attempts = Math.max(1, this.deps.maxAttempts ?? 5);
    const base = this.deps.backoffMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        onStart();
        return await this.deps.engine.generate(request, { signal });
      } catch (e) {
        if (!isTransient(e) || attempt >= attempts || signal.aborted) throw e;
        const waitMs = Math.min(30_000, base * 2 ** (attempt - 1));
        this.emit({
          phase: 'Retrying',
          retry: { attempt, of: attempts, reason: errorText(e), waitMs },
        });
        await this.sleep(waitMs, signal);
        this.emit({ phase: 'Reloading the model' });
        try {
          await this.deps.reload();
        } catch (reloadError) {
          if (attempt + 1 >= attempts) throw reloadError;
        }
        this.emit({ phase: 'Judging' });
      }
    }
  }

  /** Units without a judgment (a parse failure still has one, so it counts as done). */
  private failedCount(): number {
    return this.failures.filter((f) => f.kind !== 'parse').length;
  }

  private fail(u: Unit, kind: RunFailure['kind'], reason: string, counts = true): void {
    this.failures.push({
      itemId: u.item.id,
      index: u.item.index,
      order: u.planned.order,
      sample: u.planned.sample,
      kind,
      reason,
      at: Date.now(),
    });
    if (counts) this.progress.failed += 1;
    this.queue?.touch();
    this.emit();
  }

  /** The run's summary (one shape with the CLI's), from the judgments in memory. */
  private summary(template: Template, items: ItemRecord[]): RunSummary {
    const byItem = new Map<string, Compact[]>();
    for (const c of this.compacts) {
      const list = byItem.get(c.itemId);
      if (list) list.push(c);
      else byItem.set(c.itemId, [c]);
    }
    return {
      ...summarizeRun(template.kind !== 'single', items, byItem),
      failures: this.failures.length,
      meanGapMs: this.progress.gap.mean,
    };
  }
}

function phaseOf(s: RunStatus): string {
  return s === 'done' ? 'Done' : s === 'paused' ? 'Paused' : s === 'cancelled' ? 'Cancelled' : s;
}

/** An error in words, with its hint when it has one. */
export function errorText(e: unknown): string {
  if (e instanceof EngineError) return e.hint ? `${e.message} ${e.hint}` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export interface NewBatchRun {
  datasetId: string;
  name?: string;
  template: Template;
  model: { engine: RunRecord['config']['engine']; modelId: string; thinking: boolean };
  options: NonNullable<RunRecord['spec']>['options'];
  filter: NonNullable<RunRecord['spec']>['filter'];
  /** Judgments planned, when known (the UI's estimate); the runner corrects it when it starts. */
  total?: number;
  items?: number;
}

/** A new batch run record (status 'running': whichever tab owns the engine picks it up). */
export function newBatchRun(n: NewBatchRun, now = Date.now()): RunRecord {
  const ctx: PairContext = {
    item: { prompt: '', responseA: '', responseB: '' },
    template: n.template,
    options: { ...n.options },
    model: n.model,
  };
  return {
    id: newId(),
    datasetId: n.datasetId,
    ...(n.name ? { name: n.name } : {}),
    createdAt: now,
    updatedAt: now,
    status: 'running',
    config: {
      engine: n.model.engine,
      modelId: n.model.modelId,
      protocol: n.template.kind,
      templateId: n.template.id,
      templateVersion: n.template.version,
      params: judgmentParams(ctx),
    },
    progress: {
      total: n.total ?? 0,
      done: 0,
      failed: 0,
      ...(n.items !== undefined ? { items: n.items } : {}),
    },
    summary: null,
    spec: { filter: n.filter, options: { ...n.options }, thinking: n.model.thinking },
    failures: [],
    error: null,
  };
}
