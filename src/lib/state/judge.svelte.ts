// State of the Judge page: the pair, the protocol, the fit check, the live streams and the verdict.
import type { Order } from '../judge';
import type { ExamplePair } from '../data/examples';
import type { ChatMessage, JudgeEngine } from '../engine/types';
import type { JudgmentRecord } from '../store';
import type { PairContext, PairOptions } from '../run/pair';
import { fromRecords, type PairVerdict } from '../review/records';
import {
  ENGINE_BUSY,
  JudgeFlow,
  NO_MODEL,
  type FitCheck,
  type JudgeFlowView,
  type JudgeOutcome,
} from '../run/judge-flow';
import * as form from '../run/judge-form';
import { DEFAULT_TEMPLATE_ID, pageTemplates, type PairInputs } from '../run/judge-form';
import { defaultJudgeOptions, optionErrors, type OptionErrors } from '../judge/options';
import { LiveStreams } from './streams.svelte';
import type { ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';

export { pageTemplates, DEFAULT_TEMPLATE_ID, type FitCheck };
export { DRAFT_KEY } from '../run/judge-form';
export { streamsFromRecords, RENDER_MS_PER_CHAR, type Stream } from './streams.svelte';

export type JudgeStatus = 'idle' | 'checking' | 'running' | 'done' | 'stopped' | 'error';

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
  options = $state<PairOptions>(defaultJudgeOptions());

  status = $state<JudgeStatus>('idle');
  /**
   * The batch run using this tab's engine now, if any (set by AppState). One engine runs one
   * generation at a time: Judge waits until that run is paused or finished.
   */
  batchRunOnEngine: () => string | null = () => null;
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

  readonly template = $derived(form.pageTemplate(this.templateId));
  readonly pairwise = $derived(this.template.kind === 'pairwise');
  private readonly busy = $derived(this.status === 'running' || this.status === 'checking');
  /** One message per option out of range; judging waits until there are none. */
  readonly optionErrors = $derived<OptionErrors>(optionErrors(this.options));
  readonly problems = $derived(form.formProblems(this, this.template, this.optionErrors));
  /** Both answers say the same thing: judging them tells nothing (a warning, not a block). */
  readonly identicalAnswers = $derived(form.sameAnswers(this, this.template));
  /** Everything the result depends on; a result made for another signature is stale. */
  readonly signature = $derived(form.formSignature(this));
  /** The signature of the inputs the shown result (verdict, fit, error) was made for. */
  resultSignature = $state<string | null>(null);
  /** The temperature used when the user leaves it empty (the protocol's default). */
  readonly effectiveTemperature = $derived(form.formTemperature(this.template, this.options));
  /** The bundled example the inputs hold, untouched; its gold label is shown next to the verdict. */
  readonly example = $derived<ExamplePair | null>(form.formExample(this));

  /** The live text of each order and sample. */
  private readonly live = new LiveStreams();
  private readonly flow: JudgeFlow;
  private readonly engine: JudgeEngine;
  private readonly models: ModelState;
  /** Where a judging reports to; the last judgment's text waits for the verdict (one render). */
  private readonly view: JudgeFlowView = {
    fit: (fit) => (this.fit = fit),
    running: () => (this.status = 'running'),
    onToken: (order, sample, delta, text) => this.live.token(order, sample, delta, text),
    judgment: (record, last) => (last ? this.live.hold() : this.live.finish(record)),
    saved: (record) => (this.saved = [...this.saved, record]),
    storageError: (e) => (this.storageError ??= e),
    saveSettled: () => (this.saving = false),
  };

  constructor(engine: JudgeEngine, models: ModelState, storage: StorageState) {
    this.engine = engine;
    this.models = models;
    this.flow = new JudgeFlow(engine, () => storage.repositories());
    // The form saved by `saveDraft`; a corrupt one is ignored (and removed).
    Object.assign(this, form.readDraft());
  }

  /** What the judge is shown of the form. */
  item() {
    return form.formItem(this, this.template);
  }

  /** One stream per order and sample, as the judge writes them. */
  get streams() {
    return this.live.streams;
  }

  /** Everything one judgment depends on, for `spec` (by default the loaded model). */
  private context(spec = this.models.loaded?.spec): PairContext | null {
    return spec ? form.formContext(this, this.template, this.engine.kind, spec) : null;
  }

  /** What the checks ahead of the click depend on: the form, the loaded model and the engine. */
  private prepareKey(ctx: PairContext): string {
    return JSON.stringify([this.signature, ctx.model, this.contextWindow()]);
  }

  private contextWindow(): number {
    return this.models.loaded?.spec.contextWindow ?? 0;
  }

  /**
   * Judge the pair. Shows the stored verdict when the same work was done before (unless `again`),
   * otherwise runs every order and sample, streaming, and stores each judgment as it completes.
   */
  async judge(again = false): Promise<void> {
    // The last pair's final write first (a few ms): its failure must not land on the next result.
    if (this.flow.saving) await this.flow.settled();
    if (this.busy) return;
    if (this.batchRunOnEngine() !== null) return this.fail(new Error(ENGINE_BUSY));
    this.reset();
    this.resultSignature = this.signature;
    const ctx = this.context();
    if (!ctx) return this.fail(new Error(NO_MODEL));
    if (this.problems.length > 0) return;
    this.status = 'checking';
    const opts = { key: this.prepareKey(ctx), contextWindow: this.contextWindow(), again };
    this.show(await this.flow.judge(ctx, opts, this.view));
  }

  private fail(error: unknown): void {
    this.status = 'error';
    this.error = error;
  }

  private show(out: JudgeOutcome): void {
    if (out.kind === 'stopped' || out.kind === 'error') {
      // What streamed before a Stop or an error stays on screen.
      this.live.flush();
      if (out.kind === 'error') this.fail(out.error);
      else this.status = 'stopped';
      return;
    }
    const last = out.records[out.records.length - 1];
    if (out.kind === 'judged' && last) this.live.finish(last);
    this.runId = out.runId;
    this.records = out.records;
    this.verdict = fromRecords(out.records);
    this.fromStore = out.kind === 'stored';
    this.status = 'done';
    // Its last write may still be on its way ("Saving…" until saveSettled).
    if (out.kind === 'judged') this.saving = this.flow.saving;
  }

  /**
   * Check the form as it stands ahead of the click (see JudgeFlow.prepare); the page calls this
   * after a pause in typing. Only for engines in this tab: an OpenAI-compatible server would be
   * asked to count tokens on every edit.
   */
  prepare(): void {
    if (this.busy || this.engine.kind === 'openai' || this.problems.length > 0) return;
    if (this.batchRunOnEngine() !== null) return;
    const ctx = this.context();
    if (!ctx) return;
    const key = this.prepareKey(ctx);
    void this.flow.prepare(ctx, key, this.contextWindow())?.then((fit) => {
      if (fit && this.prepareKey(ctx) === key) this.preparedFit = fit;
    });
  }

  stop(): void {
    this.flow.stop();
  }

  /**
   * Drop a result made for other inputs: a verdict, a "too long" error or a token count no longer
   * describes what the form holds once a prompt, answer, protocol or option changes.
   */
  clearStale(): void {
    if (this.busy) return;
    if (this.resultSignature === null || this.resultSignature === this.signature) return;
    this.reset();
  }

  /** Show judgments already stored (History's "Open in Judge") as the current result. */
  showStored(records: JudgmentRecord[], runId: string): void {
    if (records.length === 0) return;
    this.reset();
    this.show({ kind: 'stored', runId, records });
    this.resultSignature = this.signature;
  }

  /** Keep the unsent form in localStorage; a full or blocked storage only loses the draft. */
  saveDraft(): void {
    form.writeDraft(this);
  }

  /** Clear the result (not the inputs). */
  reset(): void {
    this.live.clear();
    this.resultSignature = null;
    this.status = 'idle';
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
    const inputs = form.exampleInputs(id, this.pairwise ? this.templateId : DEFAULT_TEMPLATE_ID);
    if (inputs) this.loadInputs(inputs);
  }

  /**
   * The exact messages each order sends, for the loaded (or else the selected) model; null until
   * the inputs are complete. What you see is what the judge gets.
   */
  promptPreview(): { order: Order; messages: ChatMessage[] }[] | null {
    if (this.problems.length > 0) return null;
    const ctx = this.context(this.models.loaded?.spec ?? this.models.selected?.spec);
    return ctx ? form.promptMessages(ctx) : null;
  }

  /** Put a stored pair back into the form (from History). */
  loadInputs(v: PairInputs): void {
    Object.assign(this, form.formFromInputs(v, this.options));
    this.reset();
  }
}
