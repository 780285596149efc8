// State of the Judge page: the pair, the protocol, the fit check, the live streams and the verdict.
import {
  buildRequest,
  countItemTokens,
  effectiveTemperature,
  templates,
  type JudgeItem,
  type Order,
  type Rubric,
  type Template,
} from '../judge';
import { EXAMPLES, type ExamplePair } from '../data/examples';
import { AbortedError, ContextWindowExceededError } from '../engine/errors';
import type { ChatMessage, JudgeEngine, ModelSpec, StreamPace } from '../engine/types';
import type { JudgmentRecord, Repositories } from '../store';
import {
  findStored,
  judgeConfig,
  planJudgments,
  runPair,
  type PairContext,
  type PairOptions,
  type PlannedJudgment,
} from '../run/pair';
import { fromRecords, type PairVerdict } from '../review/records';
import { FrameBatcher } from '../ui/stream-render';
import {
  defaultJudgeOptions,
  optionErrors,
  parseDraft,
  serializeDraft,
  type OptionErrors,
} from '../judge/options';
import { holdLock, runLockName } from '../run/coordination';
import type { ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';

export type JudgeStatus = 'idle' | 'checking' | 'running' | 'done' | 'stopped' | 'error';

/** One order-and-sample's text as it streams. */
export interface Stream {
  order: Order;
  sample: number;
  text: string;
  done: boolean;
}

export interface FitCheck {
  promptTokens: number;
  maxTokens: number;
  contextWindow: number;
  fits: boolean;
}

/** Finished judgments as streams, for showing stored results with the same panels. */
export function streamsFromRecords(records: JudgmentRecord[]): Stream[] {
  return records.map((r) => ({
    order: r.order,
    sample: r.sample,
    text: r.text,
    done: true,
  }));
}

/** Templates the one-pair page offers: pairwise and single-answer (meta-judging needs two judgments). */
export const pageTemplates: readonly Template[] = templates.filter((t) => t.kind !== 'meta');
export const DEFAULT_TEMPLATE_ID = 'j1-pairwise';

const defaultOptions = (): PairOptions => defaultJudgeOptions();

/**
 * What rendering streamed text may cost the main thread per character shown: 0.05 ms per token
 * of about 4 characters, half the goal of 0.1 ms per token (the rest is message handling).
 */
export const RENDER_MS_PER_CHAR = 0.05 / 4;

/**
 * How the engine's worker sends the judge's text: a render's worth at a time (a render costs
 * about 5–8 ms here, paid for by ~600 characters at RENDER_MS_PER_CHAR), or every 2 s, the
 * render floor below. At 50 tok/s that is one message per render instead of four (each costs the
 * page ~0.3 ms); at 300 tok/s and more, messages come as often as renders anyway.
 */
export const STREAM_PACE: StreamPace = { minChars: 600, maxWaitMs: 2000 };

/** What `prepare` found for the form as it stands. */
interface Prepared {
  fit: FitCheck;
  plan: PlannedJudgment[];
  repos: Repositories;
  /** A complete earlier result exists: the click shows it (looked up again, it may be gone). */
  stored: boolean;
}

/** How long the verdict waits for its run's last write to commit before showing anyway. */
export const SAVE_FIRST_MS = 50;

/** Where the unsent form is kept across reloads. */
export const DRAFT_KEY = 'arbiter.judgeDraft';

export class JudgeState {
  prompt = $state('');
  responseA = $state('');
  responseB = $state('');
  reference = $state('');
  rubricCriteria = $state('');
  rubricLevels = $state<string[]>(['', '', '', '', '']);
  modelA = $state('');
  modelB = $state('');
  templateId = $state(DEFAULT_TEMPLATE_ID);
  options = $state<PairOptions>(defaultOptions());

  status = $state<JudgeStatus>('idle');
  /**
   * The batch run using this tab's engine now, if any (set by AppState). One engine runs one
   * generation at a time: Judge waits until that run is paused or finished.
   */
  batchRunOnEngine: () => string | null = () => null;
  streams = $state<Stream[]>([]);
  verdict = $state.raw<PairVerdict | null>(null);
  records = $state.raw<JudgmentRecord[]>([]);
  /** Judgments of the current run already written to storage (what survives a Stop). */
  saved = $state.raw<JudgmentRecord[]>([]);
  runId = $state<string | null>(null);
  /** The verdict shown was found in storage, not computed now. */
  fromStore = $state(false);
  fit = $state.raw<FitCheck | null>(null);
  /** The fit of the form as it stands, checked ahead of judging (see `prepare`); null when edited. */
  preparedFit = $state.raw<FitCheck | null>(null);
  error = $state<unknown>(null);
  storageError = $state<unknown>(null);
  /** The verdict is shown and its run's last write is on its way to storage. */
  saving = $state(false);
  /** Settles when that write has landed or failed. */
  private pendingSave: Promise<void> | null = null;

  readonly template = $derived(
    pageTemplates.find((t) => t.id === this.templateId) ?? (pageTemplates[0] as Template),
  );
  readonly pairwise = $derived(this.template.kind === 'pairwise');
  /** One message per option out of range; judging waits until there are none. */
  readonly optionErrors = $derived<OptionErrors>(optionErrors(this.options));
  readonly problems = $derived(this.inputProblems());
  /** Both answers say the same thing: judging them tells nothing (a warning, not a block). */
  readonly identicalAnswers = $derived(
    this.pairwise &&
      this.responseA.trim() !== '' &&
      this.responseA.trim() === this.responseB.trim(),
  );
  /** Everything the result depends on; a result made for another signature is stale. */
  readonly signature = $derived(
    JSON.stringify([
      this.prompt,
      this.responseA,
      this.responseB,
      this.reference,
      this.rubricCriteria,
      this.rubricLevels,
      this.modelA,
      this.modelB,
      this.templateId,
      this.options,
    ]),
  );
  /** The signature of the inputs the shown result (verdict, fit, error) was made for. */
  resultSignature = $state<string | null>(null);
  /** The temperature used when the user leaves it empty (the protocol's default). */
  readonly effectiveTemperature = $derived(
    effectiveTemperature({
      template: this.template,
      samples: this.options.samples,
      logprobs: this.options.logprobs || this.template.family === 'verdict-only',
    }),
  );
  /** The bundled example the inputs hold, untouched; its gold label is shown next to the verdict. */
  readonly example = $derived<ExamplePair | null>(
    EXAMPLES.find(
      (e) =>
        e.prompt === this.prompt &&
        e.responseA === this.responseA &&
        e.responseB === this.responseB,
    ) ?? null,
  );

  private abort: AbortController | null = null;
  /** The checks for the form as it stands, started ahead of the click (see prepare). */
  private prepared: { key: string; ready: Promise<Prepared | null> } | null = null;
  /**
   * Streamed text reaches the state at most once per frame and ten times a second, and only as
   * often as the new text pays for a render at RENDER_MS_PER_CHAR (see RenderBudget).
   */
  private readonly tokens = new FrameBatcher<
    string,
    { order: Order; sample: number; text: string }
  >((_key, t) => this.showText(t.order, t.sample, t.text), undefined, 100, undefined, {
    msPerUnit: RENDER_MS_PER_CHAR,
    // At least every 2 s: at 50 tok/s a render (~5 ms here) is paid for by ~2 s of text, which a
    // 1 s floor made twice as often (0.12 ms per token in renders alone). 2 s of text at 50 tok/s
    // is a paragraph, faster than anyone reads; the first text and the end still show at once.
    maxIntervalMs: 2000,
  });
  private readonly engine: JudgeEngine;
  private readonly models: ModelState;
  private readonly storage: StorageState;

  constructor(engine: JudgeEngine, models: ModelState, storage: StorageState) {
    this.engine = engine;
    this.models = models;
    this.storage = storage;
    this.restoreDraft();
  }

  /** What is missing before this template can judge, in words for the UI. */
  private inputProblems(): string[] {
    const p: string[] = [];
    if (!this.prompt.trim()) p.push('Enter the prompt.');
    if (!this.responseA.trim()) p.push(this.pairwise ? 'Enter answer A.' : 'Enter the answer.');
    if (this.pairwise && !this.responseB.trim()) p.push('Enter answer B.');
    if (this.template.needsReference && !this.reference.trim())
      p.push('This protocol needs a reference answer.');
    if (this.template.needsRubric && !this.rubricCriteria.trim())
      p.push('This protocol needs a rubric: fill in the criteria.');
    if (Object.keys(this.optionErrors).length > 0) p.push('Fix the options marked under Options.');
    return p;
  }

  item(): JudgeItem {
    const t = this.template;
    const item: JudgeItem = { prompt: this.prompt, responseA: this.responseA };
    if (this.pairwise) item.responseB = this.responseB;
    if (this.reference.trim() && (t.acceptsReference || t.needsReference))
      item.reference = this.reference;
    if (this.rubricCriteria.trim() && t.needsRubric) item.rubric = this.rubric();
    if (this.modelA.trim()) item.modelA = this.modelA.trim();
    if (this.pairwise && this.modelB.trim()) item.modelB = this.modelB.trim();
    return item;
  }

  private rubric(): Rubric {
    return {
      criteria: this.rubricCriteria,
      levels: this.rubricLevels
        .map((description, i) => ({ score: i + 1, description }))
        .filter((l) => l.description.trim()),
    };
  }

  /** Everything one judgment depends on, for `spec` (by default the loaded model). */
  private context(spec: ModelSpec | undefined = this.models.loaded?.spec): PairContext | null {
    if (!spec) return null;
    const options = { ...this.options };
    // 0 means "the template's default for this model".
    if (!options.maxTokens)
      options.maxTokens = this.defaultMaxTokens(spec.thinking, spec.contextWindow);
    return {
      item: this.item(),
      template: this.template,
      options,
      model: { engine: this.engine.kind, modelId: spec.modelId, thinking: spec.thinking },
    };
  }

  /** The output budget when the user left it at 0: enough to reason, never more than half the window. */
  defaultMaxTokens(thinking: boolean, contextWindow: number): number {
    if (this.template.family === 'verdict-only') return 8;
    return Math.min(thinking ? 2048 : 1024, Math.floor(contextWindow / 2));
  }

  /** Count the item's tokens with the model's tokenizer and compare with its context window. */
  async checkFit(ctx: PairContext): Promise<FitCheck> {
    const loaded = this.models.loaded;
    const contextWindow = loaded?.spec.contextWindow ?? 0;
    const est = await countItemTokens(this.engine, ctx.item, ctx.template, {
      thinkingModel: ctx.model.thinking,
      bothOrders: ctx.options.bothOrders,
      allowTie: ctx.options.allowTie,
      max_tokens: ctx.options.maxTokens,
      constrained: ctx.options.constrained,
      logprobs: ctx.options.logprobs,
    });
    return {
      promptTokens: est.promptTokens,
      maxTokens: est.maxTokens,
      contextWindow,
      fits: est.total <= contextWindow,
    };
  }

  /**
   * Judge the pair. Shows the stored verdict when the same work was done before (unless `again`),
   * otherwise runs every order and sample, streaming, and stores each judgment as it completes.
   */
  async judge(again = false): Promise<void> {
    // The last pair's final write first (a few ms): its failure must not land on the next result.
    if (this.pendingSave) await this.pendingSave;
    if (this.status === 'running' || this.status === 'checking') return;
    if (this.batchRunOnEngine() !== null) {
      this.status = 'error';
      this.error = new Error(
        'The judge model is busy with a batch run in this tab. Pause it (Runs) or wait until it finishes, then judge.',
      );
      return;
    }
    this.reset();
    this.resultSignature = this.signature;
    const ctx = this.context();
    if (!ctx) {
      this.status = 'error';
      this.error = new Error('Load a judge model first (Models).');
      return;
    }
    if (this.problems.length > 0) return;
    this.status = 'checking';
    // Created before the checks so Stop works from the first moment.
    const abort = new AbortController();
    this.abort = abort;
    const ready = await this.takePrepared(ctx);
    try {
      if (ready && (again || !ready.stored)) {
        // Checked ahead of the click: the first request goes out in the click's own task.
        this.fit = ready.fit;
        if (abort.signal.aborted) throw new AbortedError();
        if (!ready.fit.fits) this.tooLong(ctx, ready.fit);
        else await this.run(ready.repos, ctx, ready.plan, abort);
        return;
      }
      // The fit check (a worker round trip per order), opening storage, hashing the keys and
      // looking for stored work do not depend on each other: they run at once, not one after another.
      const fitting = this.checkFit(ctx);
      const opening = this.storage.repositories().catch((e: unknown) => {
        this.storageError = e;
        return null;
      });
      const planning = planJudgments(ctx);
      const finding = again
        ? Promise.resolve(null)
        : Promise.all([opening, planning]).then(([r, p]) =>
            r ? findStored(r, p).catch(() => null) : null,
          );
      // Handled even when the fit check ends the judging first, so no rejection goes unhandled.
      planning.catch(() => undefined);
      finding.catch(() => undefined);
      const fit = await fitting;
      this.fit = fit;
      if (!fit.fits) {
        this.tooLong(ctx, fit);
        return;
      }
      const [repos, plan, stored] = await Promise.all([opening, planning, finding]);
      if (abort.signal.aborted) throw new AbortedError();
      if (stored) {
        this.records = stored.records;
        this.runId = stored.runId;
        this.verdict = fromRecords(stored.records);
        this.fromStore = true;
        this.status = 'done';
        return;
      }
      // Without storage the pair is still judged; the banner says it was not saved.
      await this.run(repos ?? unavailableRepositories(this.storageError), ctx, plan, abort);
    } catch (e) {
      // What streamed before a Stop or an error stays on screen.
      this.tokens.flush();
      if ((e as Error | undefined)?.name === 'AbortedError') {
        this.status = 'stopped';
      } else {
        this.status = 'error';
        this.error = e;
      }
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  private tooLong(ctx: PairContext, fit: FitCheck): void {
    this.status = 'error';
    this.error = new ContextWindowExceededError(
      `This pair needs about ${fit.promptTokens.toLocaleString()} prompt tokens plus up to ${fit.maxTokens.toLocaleString()} for the answer, but ${ctx.model.modelId} holds ${fit.contextWindow.toLocaleString()} tokens.`,
      { ...fit },
    );
  }

  /** What preparation depends on besides the signature: the loaded model and the engine. */
  private prepareKey(ctx: PairContext): string {
    const spec = this.models.loaded?.spec;
    return JSON.stringify([this.signature, ctx.model, spec?.contextWindow ?? 0]);
  }

  /**
   * Do the fit check, key hashing and stored-work lookup for the form as it stands, before the
   * click: they take a worker round trip, a digest and an IndexedDB read, and each waits for the
   * main thread between them (10–30 ms on a busy page), all on the way to the first token. The
   * page calls this after a pause in typing. Only for engines in this tab: an OpenAI-compatible
   * server would be asked to count tokens on every edit.
   */
  prepare(): void {
    if (this.status === 'running' || this.status === 'checking') return;
    if (this.engine.kind === 'openai' || this.problems.length > 0) return;
    if (this.batchRunOnEngine() !== null) return;
    const ctx = this.context();
    if (!ctx) return;
    const key = this.prepareKey(ctx);
    if (this.prepared?.key === key) return;
    const ready = (async (): Promise<Prepared | null> => {
      // The last pair's final write first: it may be this very work.
      if (this.pendingSave) await this.pendingSave;
      const repos = await this.storage.repositories();
      const [fit, plan] = await Promise.all([this.checkFit(ctx), planJudgments(ctx)]);
      const stored = await findStored(repos, plan);
      return { fit, plan, repos, stored: stored !== null };
    })().catch(() => null);
    this.prepared = { key, ready };
    void ready.then((p) => {
      if (p && this.prepareKey(ctx) === key) this.preparedFit = p.fit;
    });
  }

  /** The preparation for exactly this context, if any (used once: a judging may store the work). */
  private takePrepared(ctx: PairContext): Promise<Prepared | null> | null {
    const p = this.prepared;
    this.prepared = null;
    return p && p.key === this.prepareKey(ctx) ? p.ready : null;
  }

  private async run(
    repos: Repositories,
    ctx: PairContext,
    plan: Awaited<ReturnType<typeof planJudgments>>,
    abort: AbortController,
  ): Promise<void> {
    this.status = 'running';
    // Held while judging, and until the run is stored as done, so start-up recovery in another
    // tab never marks this live run interrupted.
    let finished = false;
    let release: (() => void) | null = null;
    const end = () => {
      finished = true;
      (release as (() => void) | null)?.();
    };
    let saved: Promise<unknown>;
    try {
      ({ saved } = await this.runHolding(repos, ctx, plan, abort, (id) => {
        void holdLock(runLockName(id)).then((r) => (finished ? r() : (release = r)));
      }));
    } catch (e) {
      end();
      throw e;
    }
    // The verdict is on screen now; its last write lands a moment later ("Saving…"). A write that
    // fails reaches the banner through onStorageError, and the judgment stays on screen.
    this.saving = true;
    const settled: Promise<void> = saved.then(
      () => undefined,
      () => undefined,
    );
    this.pendingSave = settled;
    void settled.then(() => {
      end();
      if (this.pendingSave !== settled) return;
      this.pendingSave = null;
      this.saving = false;
    });
  }

  /** Judges and shows the verdict; `saved` settles when the pair's writes have (see PairResult). */
  private async runHolding(
    repos: Repositories,
    ctx: PairContext,
    plan: Awaited<ReturnType<typeof planJudgments>>,
    abort: AbortController,
    onRunCreated: (runId: string) => void,
  ): Promise<{ saved: Promise<unknown> }> {
    let judged = 0;
    const res = await runPair(repos, this.engine, ctx, plan, {
      onRunCreated,
      signal: abort.signal,
      onToken: (order, sample, delta, text) => this.onToken(order, sample, delta, text),
      pace: STREAM_PACE,
      onJudgment: (record) => {
        judged += 1;
        // The last one's text is shown with the verdict, after its save (below): one render.
        if (judged === plan.length) this.tokens.hold();
        else this.finishStream(record);
      },
      onSaved: (record) => {
        this.saved = [...this.saved, record];
      },
      onStorageError: (e) => {
        this.storageError ??= e;
      },
    });
    // The last write is on its way: on a page that is not busy it commits in a few ms, but its
    // IndexedDB callbacks would queue behind the render of the last text and the verdict (10–20 ms
    // of main thread). They run first, briefly: the judgment is on disk that much sooner, and
    // text and verdict show a few ms later, in one render. A slow disk holds them no longer than
    // SAVE_FIRST_MS ("Saving…" then).
    await settledWithin(res.saved, SAVE_FIRST_MS);
    const last = res.records[res.records.length - 1];
    if (last) this.finishStream(last);
    this.runId = res.runId;
    this.records = res.records;
    this.verdict = fromRecords(res.records);
    this.status = 'done';
    return { saved: res.saved };
  }

  /** A judgment is complete: its whole text on screen, marked done. */
  private finishStream(record: JudgmentRecord): void {
    this.tokens.flush();
    const s = this.streams.find((x) => x.order === record.order && x.sample === record.sample);
    if (s) s.done = true;
  }

  private onToken(order: Order, sample: number, delta: string, text: string): void {
    this.tokens.set(`${order}:${sample}`, { order, sample, text }, delta.length);
  }

  private showText(order: Order, sample: number, text: string): void {
    const s = this.streams.find((x) => x.order === order && x.sample === sample);
    if (s) {
      s.text = text;
      return;
    }
    this.streams.push({ order, sample, text, done: false });
  }

  stop(): void {
    this.abort?.abort();
  }

  /**
   * Drop a result made for other inputs: a verdict, a "too long" error or a token count no longer
   * describes what the form holds once a prompt, answer, protocol or option changes.
   */
  clearStale(): void {
    if (this.status === 'running' || this.status === 'checking') return;
    if (this.resultSignature === null || this.resultSignature === this.signature) return;
    this.reset();
  }

  /** Show judgments already stored (History's "Open in Judge") as the current result. */
  showStored(records: JudgmentRecord[], runId: string): void {
    if (records.length === 0) return;
    this.reset();
    this.records = records;
    this.runId = runId;
    this.verdict = fromRecords(records);
    this.fromStore = true;
    this.status = 'done';
    this.resultSignature = this.signature;
  }

  /** Keep the unsent form in localStorage; a full or blocked storage only loses the draft. */
  saveDraft(): void {
    try {
      localStorage.setItem(
        DRAFT_KEY,
        serializeDraft({
          prompt: this.prompt,
          responseA: this.responseA,
          responseB: this.responseB,
          reference: this.reference,
          rubricCriteria: this.rubricCriteria,
          rubricLevels: [...this.rubricLevels],
          modelA: this.modelA,
          modelB: this.modelB,
          templateId: this.templateId,
          options: { ...this.options },
        }),
      );
    } catch {
      // Private mode or quota: the form still works, it just is not kept.
    }
  }

  /** Put back the form saved by `saveDraft`; a corrupt value is ignored (and removed). */
  restoreDraft(): void {
    let raw: string | null;
    try {
      raw = localStorage.getItem(DRAFT_KEY);
    } catch {
      return;
    }
    const d = parseDraft(raw);
    if (!d) {
      if (raw !== null) {
        try {
          localStorage.removeItem(DRAFT_KEY);
        } catch {
          // nothing to do
        }
      }
      return;
    }
    if (d.prompt !== undefined) this.prompt = d.prompt;
    if (d.responseA !== undefined) this.responseA = d.responseA;
    if (d.responseB !== undefined) this.responseB = d.responseB;
    if (d.reference !== undefined) this.reference = d.reference;
    if (d.rubricCriteria !== undefined) this.rubricCriteria = d.rubricCriteria;
    if (d.rubricLevels) this.rubricLevels = d.rubricLevels;
    if (d.modelA !== undefined) this.modelA = d.modelA;
    if (d.modelB !== undefined) this.modelB = d.modelB;
    if (d.templateId && pageTemplates.some((t) => t.id === d.templateId))
      this.templateId = d.templateId;
    if (d.options) this.options = d.options;
  }

  /** Clear the result (not the inputs). */
  reset(): void {
    this.tokens.clear();
    this.resultSignature = null;
    this.status = 'idle';
    this.streams = [];
    this.verdict = null;
    this.records = [];
    this.saved = [];
    this.runId = null;
    this.fromStore = false;
    this.fit = null;
    this.error = null;
    this.storageError = null;
  }

  /** Fill the form with a bundled example pair. */
  useExample(id: string): void {
    const e = EXAMPLES.find((x) => x.id === id);
    if (!e) return;
    this.loadInputs({
      ...e,
      templateId: this.template.kind === 'pairwise' ? this.templateId : DEFAULT_TEMPLATE_ID,
    });
  }

  /**
   * The exact messages each order sends, for the loaded (or else the selected) model; null until
   * the inputs are complete. What you see is what the judge gets.
   */
  promptPreview(): { order: Order; messages: ChatMessage[] }[] | null {
    if (this.problems.length > 0) return null;
    const ctx = this.context(this.models.loaded?.spec ?? this.models.selected?.spec);
    if (!ctx) return null;
    const orders: Order[] = this.pairwise && this.options.bothOrders ? ['AB', 'BA'] : ['AB'];
    try {
      return orders.map((order) => ({
        order,
        messages: buildRequest(ctx.item, judgeConfig(ctx), order).messages,
      }));
    } catch {
      return null;
    }
  }

  /** Put a stored pair back into the form (from History). */
  loadInputs(v: {
    prompt: string;
    responseA: string;
    responseB?: string | undefined;
    reference?: string | undefined;
    modelA?: string | undefined;
    modelB?: string | undefined;
    templateId: string;
    options?: Partial<PairOptions>;
  }): void {
    this.prompt = v.prompt;
    this.responseA = v.responseA;
    this.responseB = v.responseB ?? '';
    this.reference = v.reference ?? '';
    this.modelA = v.modelA ?? '';
    this.modelB = v.modelB ?? '';
    if (pageTemplates.some((t) => t.id === v.templateId)) this.templateId = v.templateId;
    if (v.options) this.options = { ...this.options, ...v.options };
    this.reset();
  }
}

/** Resolves when `p` settles or after `ms`, whichever is first; never rejects. */
function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    p.then(done, done);
  });
}

/** Repositories whose every call rejects with `error`: judging goes on, nothing claims to be saved. */
function unavailableRepositories(error: unknown): Repositories {
  const store = new Proxy({}, { get: () => () => Promise.reject(error) });
  return {
    datasets: store,
    items: store,
    runs: store,
    judgments: store,
    labels: store,
  } as Repositories;
}
