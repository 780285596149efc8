// State of the Runs pages: new-run form with estimate, the runner this tab owns, live state from other tabs, exports.
import { exportJudgmentsBlob } from '../data/export';
import { sweepOrphanItems } from '../data/orphans';
import {
  alpacaEvalAnnotations,
  arenaHardJudgmentsJsonl,
  fastchatJudgmentsJsonl,
  itemResult,
  itemResults,
  itemResultsCsv,
  itemResultsJsonl,
  type ItemResult,
} from '../data/interop';
import type { RowError } from '../data/workspace';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import { getTemplate, type Template } from '../judge';
import {
  BatchRunner,
  datasetItems,
  errorText,
  newBatchRun,
  type BatchProgress,
} from '../run/batch';
import {
  Channel,
  ENGINE_LOCK,
  hasLocks,
  holdLock,
  isLockFree,
  keepAwake,
  runLockName,
  withLock,
  withLockIfFree,
} from '../run/coordination';
import { estimateRun, type RunEstimate } from '../run/estimate';
import { ProgressGate } from '../run/progress-gate';
import { categoriesOf, selectItems } from '../run/subset';
import type { ImportReport } from '../run/workspace-io';
import type {
  DatasetRecord,
  ItemRecord,
  Repositories,
  RunFilter,
  RunOptions,
  RunRecord,
} from '../store';
import type { ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';
import { pageTemplates } from './judge.svelte';
import { downloadBlob } from '../ui/download';

/** Messages between tabs about runs. */
type RunMessage =
  | { type: 'progress'; progress: BatchProgress }
  | { type: 'changed'; runId: string }
  | { type: 'owner'; runId: string | null }
  /** A watching tab asks the tab judging `runId` to pause or cancel it. */
  | { type: 'command'; runId: string; action: 'pause' | 'cancel' };

/** The new-run form. */
export interface RunForm {
  datasetId: string;
  name: string;
  templateId: string;
  options: RunOptions;
  from: number | null;
  to: number | null;
  limit: number | null;
  categories: string[];
  labels: NonNullable<RunFilter['labels']>;
}

/** Results read beyond each end of the visible rows, so a short scroll finds them ready. */
const RESULT_MARGIN = 30;

const defaultOptions = (): RunOptions => ({
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: null,
  seed: 42,
  maxTokens: 0,
  logprobs: false,
  constrained: false,
});

/** The output budget when left at 0: enough to reason, never more than half the window. */
export function defaultMaxTokens(t: Template, spec: ModelSpec): number {
  if (t.family === 'verdict-only') return 8;
  return Math.min(spec.thinking ? 2048 : 1024, Math.floor(spec.contextWindow / 2));
}

export function formFilter(f: RunForm): RunFilter {
  const filter: RunFilter = {};
  if (f.from !== null && f.from > 0) filter.from = f.from;
  if (f.to !== null && f.to > 0) filter.to = f.to;
  if (f.limit !== null && f.limit > 0) filter.limit = f.limit;
  if (f.categories.length) filter.categories = [...f.categories];
  if (f.labels.length) filter.labels = [...f.labels];
  return filter;
}

function stamp(now = new Date()): string {
  return now.toISOString().slice(0, 19).replace(/:/g, '-');
}

export class RunsState {
  runs = $state.raw<RunRecord[]>([]);
  datasets = $state.raw<DatasetRecord[]>([]);
  loading = $state(false);
  error = $state<unknown>(null);

  form = $state<RunForm>({
    datasetId: '',
    name: '',
    templateId: 'j1-pairwise',
    options: defaultOptions(),
    from: null,
    to: null,
    limit: null,
    categories: [],
    labels: [],
  });
  /** Items of the dataset chosen in the form (for categories and the estimate). */
  formItems = $state.raw<ItemRecord[]>([]);
  private formItemsOf = '';
  starting = $state(false);

  /** Live progress by run id: from this tab's runner or broadcast by the tab that owns it. */
  live = $state.raw<Record<string, BatchProgress>>({});
  /** The run this tab is judging now, if any. */
  activeRunId = $state<string | null>(null);
  /** This tab holds the engine lock. */
  owner = $state(false);
  /** Pause/cancel sent to the tab judging a run, until that tab reports the change. */
  requested = $state.raw<Record<string, 'pause' | 'cancel'>>({});

  /** The run open on #/runs/<id>: its record, its subset's items and a page of results. */
  detail = $state.raw<RunRecord | null>(null);
  detailItems = $state.raw<ItemRecord[]>([]);
  /** Results read so far, by item id (the list is virtualised: only rows on screen are read). */
  results = $state.raw<Record<string, ItemResult>>({});
  /** Item positions [from, to) the results list shows now. */
  private visible: [number, number] = [0, 40];
  detailError = $state<unknown>(null);
  exporting = $state(false);

  importing = $state(false);
  importReport = $state.raw<ImportReport | null>(null);

  readonly templates = pageTemplates;
  readonly template = $derived(getTemplate(this.form.templateId) ?? (pageTemplates[0] as Template));
  readonly categories = $derived(categoriesOf(this.formItems));
  readonly subset = $derived(selectItems(this.formItems, formFilter(this.form)));
  readonly estimate = $derived<RunEstimate | null>(this.computeEstimate());

  /** Whether this tab's engine is generating for something else (set by AppState: the Judge page). */
  engineBusyElsewhere: () => boolean = () => false;

  private runner: BatchRunner | null = null;
  private waiting = false;
  private readonly channel: Channel<RunMessage>;
  private lastBroadcast = 0;
  /** The runner reports every judgment; the view and other tabs get the latest a few times a second. */
  private readonly progressGate = new ProgressGate<BatchProgress>((p) => this.publish(p, false));
  private pageTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly engine: JudgeEngine,
    private readonly models: ModelState,
    private readonly storage: StorageState,
  ) {
    this.channel = new Channel<RunMessage>('arbiter-runs', (m) => this.onMessage(m));
    if (typeof window !== 'undefined') {
      // A page that goes away writes what waits; what a hard kill loses is at most the queue's window.
      const flush = () => void this.runner?.flush();
      window.addEventListener('pagehide', flush);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') flush();
      });
    }
  }

  /** Whether this tab only watches `runId` (another tab is judging it). */
  readOnly(run: RunRecord | null): boolean {
    return (
      !!run && run.status === 'running' && this.activeRunId !== run.id && hasLocks() && !this.owner
    );
  }

  private onMessage(m: RunMessage): void {
    if (m.type === 'progress') {
      this.live = { ...this.live, [m.progress.runId]: m.progress };
      if (this.detail?.id === m.progress.runId) this.schedulePage();
      if (m.progress.status !== 'running') {
        this.clearRequest(m.progress.runId);
        void this.refresh();
      }
    } else if (m.type === 'command') {
      // Only the tab judging the run acts; it writes the status and tells every tab.
      if (this.runner?.runId === m.runId) this.runner[m.action]();
    } else if (m.type === 'changed') {
      this.clearRequest(m.runId);
      void this.refresh();
      if (this.detail?.id === m.runId) void this.openDetail(m.runId);
      // A run resumed elsewhere may need an owner: queue for the engine.
      void this.ensureWorker();
    }
  }

  private computeEstimate(): RunEstimate | null {
    const spec = this.models.loaded?.spec ?? this.models.selected?.spec;
    if (!spec || this.subset.length === 0) return null;
    const o = this.form.options;
    const t = this.template;
    return estimateRun(
      this.subset,
      {
        template: t,
        thinkingModel: spec.thinking,
        bothOrders: o.bothOrders,
        allowTie: o.allowTie,
        samples: o.samples,
        ...(o.temperature !== null ? { temperature: o.temperature } : {}),
        seed: o.seed,
        max_tokens: o.maxTokens || defaultMaxTokens(t, spec),
        logprobs: o.logprobs || t.family === 'verdict-only',
        constrained: o.constrained,
      },
      spec.contextWindow,
      {
        decodeTokensPerS: this.models.testResult?.decodeTokensPerS ?? null,
        prefillTokensPerS: this.models.testResult?.prefillTokensPerS ?? null,
      },
    );
  }

  /** Loads the lists, recovers interrupted runs, and queues for the engine when a run waits. */
  async init(): Promise<void> {
    await this.refresh();
    await this.recover();
    await this.sweep();
    await this.ensureWorker();
  }

  /** Removes items an import left behind when its tab closed (housekeeping: a failure waits for the next start). */
  private async sweep(): Promise<void> {
    // Without Web Locks an import running in another tab cannot be told from an abandoned one.
    if (!hasLocks()) return;
    try {
      await sweepOrphanItems(await this.storage.repositories());
    } catch {
      // Nothing is lost: the items stay unlisted until a later start sweeps them.
    }
  }

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      const repos = await this.storage.repositories();
      const [runs, datasets] = await Promise.all([repos.runs.list(), repos.datasets.list()]);
      this.runs = runs.filter((r) => r.datasetId !== undefined);
      this.datasets = datasets;
      if (!this.form.datasetId && datasets[0]) this.form.datasetId = datasets[0].id;
      await this.loadFormItems();
    } catch (e) {
      this.error = e;
    } finally {
      this.loading = false;
    }
  }

  /** Reads the form's dataset items once per dataset choice. */
  async loadFormItems(): Promise<void> {
    const id = this.form.datasetId;
    if (!id || id === this.formItemsOf) return;
    const repos = await this.storage.repositories();
    this.formItemsOf = id;
    this.formItems = await datasetItems(repos, id);
    this.form.categories = [];
  }

  /**
   * Runs left "running" with nobody judging them: one-pair runs become cancelled (their stored
   * judgments stay and are reused next time); batch runs wait for the engine owner to resume them.
   */
  private async recover(): Promise<void> {
    try {
      const repos = await this.storage.repositories();
      for (const run of await repos.runs.byStatus(['running'])) {
        if (run.spec) continue;
        if (!(await isLockFree(runLockName(run.id)))) continue;
        const done = await repos.judgments.count(run.id);
        await repos.runs.update(run.id, {
          status: 'cancelled',
          progress: { ...run.progress, done },
          error: 'Interrupted: the page was closed or reloaded while judging.',
        });
      }
    } catch (e) {
      this.error = e;
    }
  }

  /**
   * Queues this tab for the engine lock when some run is waiting. The holder judges every
   * running run, oldest first, then lets go; a tab that closes releases it and the next tab
   * in the queue takes over.
   */
  async ensureWorker(): Promise<void> {
    if (this.waiting || this.owner) return;
    const repos = await this.storage.repositories().catch(() => null);
    if (!repos) return;
    const waitingRuns = (await repos.runs.byStatus(['running'])).filter((r) => r.spec);
    if (waitingRuns.length === 0) return;
    this.waiting = true;
    void withLock(ENGINE_LOCK, async () => {
      this.owner = true;
      this.waiting = false;
      try {
        await this.workLoop(repos);
      } finally {
        this.owner = false;
        this.activeRunId = null;
      }
    })
      // A run resumed while the loop was finishing still needs an owner.
      .then(() => setTimeout(() => void this.ensureWorker(), 500))
      .catch((e: unknown) => {
        this.waiting = false;
        this.error = e;
      });
  }

  private async workLoop(repos: Repositories): Promise<void> {
    // Each run once per turn: one that cannot start (no model) must not loop forever.
    const tried: string[] = [];
    for (;;) {
      const next = (await repos.runs.byStatus(['running']))
        .filter((r) => r.spec && !tried.includes(r.id))
        .sort((a, b) => a.createdAt - b.createdAt)[0];
      if (!next) return;
      tried.push(next.id);
      await this.runOne(repos, next);
    }
  }

  private async runOne(repos: Repositories, run: RunRecord): Promise<void> {
    const spec = await this.ensureModel(run);
    if (!spec) {
      await repos.runs
        .update(run.id, {
          status: 'paused',
          error: `The run's judge model ${run.config.modelId} could not be loaded in this tab. Load it on Models, then resume.`,
        })
        .catch(() => undefined);
      this.channel.post({ type: 'changed', runId: run.id });
      await this.refresh();
      return;
    }
    // One engine, one generation at a time: let the Judge page's pair finish first.
    while (this.engineBusyElsewhere()) await new Promise((r) => setTimeout(r, 250));
    const releaseRun = await holdLock(runLockName(run.id));
    // Paused or cancelled from another tab while this one queued for the run: leave it so. A
    // status written by a tab is written holding this lock (stop), so it is seen here.
    const current = await repos.runs.get(run.id).catch(() => undefined);
    if (current?.status !== 'running') {
      releaseRun();
      return;
    }
    const releaseAwake = keepAwake();
    this.activeRunId = run.id;
    this.channel.post({ type: 'owner', runId: run.id });
    const runner = new BatchRunner(
      {
        repos,
        engine: this.engine,
        contextWindow: spec.contextWindow,
        reload: async () => {
          await this.models.load(spec);
          if (this.models.status !== 'ready')
            throw this.models.error ?? new Error('Reload failed.');
        },
        onProgress: (p) => this.onProgress(p),
      },
      run.id,
    );
    this.runner = runner;
    try {
      await runner.run();
    } catch (e) {
      await repos.runs
        .update(run.id, { status: 'paused', error: errorText(e) })
        .catch(() => undefined);
    } finally {
      this.runner = null;
      releaseAwake();
      releaseRun();
      this.onProgress(runner.progress, true);
      this.channel.post({ type: 'changed', runId: run.id });
      await this.refresh();
      if (this.detail?.id === run.id) await this.openDetail(run.id);
    }
  }

  /** Loads the run's model here when another is loaded (the model a taking-over tab needs). */
  private async ensureModel(run: RunRecord): Promise<ModelSpec | null> {
    const loaded = this.models.loaded?.spec;
    if (loaded?.modelId === run.config.modelId) return loaded;
    const offered = this.models.offered.find((m) => m.spec.modelId === run.config.modelId);
    if (!offered) return null;
    await this.models.load(offered.spec);
    return this.models.status === 'ready' ? offered.spec : null;
  }

  private onProgress(p: BatchProgress, force = false): void {
    this.progressGate.push(p);
    if (force) this.publish(p, true);
  }

  private publish(p: BatchProgress, force: boolean): void {
    this.live = { ...this.live, [p.runId]: p };
    if (this.detail?.id === p.runId) this.schedulePage();
    // Other tabs get at most 5 updates a second.
    const now = Date.now();
    if (force || now - this.lastBroadcast > 200 || p.status !== 'running') {
      this.lastBroadcast = now;
      this.channel.post({ type: 'progress', progress: $state.snapshot(p) as BatchProgress });
    }
  }

  /** Creates the run from the form and hands it to the engine owner (this tab, or the one that has it). */
  async start(): Promise<string | null> {
    const spec = this.models.loaded?.spec;
    if (!spec) {
      this.error = new Error('Load a judge model first (Models), then start the run.');
      return null;
    }
    if (!this.form.datasetId) {
      this.error = new Error('Choose a dataset first.');
      return null;
    }
    this.starting = true;
    try {
      const repos = await this.storage.repositories();
      const t = this.template;
      const options = { ...$state.snapshot(this.form.options) };
      if (!options.maxTokens) options.maxTokens = defaultMaxTokens(t, spec);
      const est = this.estimate;
      const run = newBatchRun({
        datasetId: this.form.datasetId,
        ...(this.form.name.trim() ? { name: this.form.name.trim() } : {}),
        template: t,
        model: { engine: this.engine.kind, modelId: spec.modelId, thinking: spec.thinking },
        options,
        filter: formFilter($state.snapshot(this.form) as RunForm),
        ...(est ? { total: est.generations, items: est.items } : {}),
      });
      await repos.runs.put(run);
      this.channel.post({ type: 'changed', runId: run.id });
      await this.refresh();
      void this.ensureWorker();
      return run.id;
    } catch (e) {
      this.error = e;
      return null;
    } finally {
      this.starting = false;
    }
  }

  async pause(runId: string): Promise<void> {
    await this.stop(runId, 'pause');
  }

  async cancel(runId: string): Promise<void> {
    await this.stop(runId, 'cancel');
  }

  /**
   * Pauses or cancels a run wherever it is judged: here, by the runner; in another tab, by asking
   * that tab over the channel (it stops after the current generation and reports to every tab);
   * nowhere, by writing the status.
   */
  private async stop(runId: string, action: 'pause' | 'cancel'): Promise<void> {
    if (this.runner?.runId === runId) {
      this.runner[action]();
      return;
    }
    // Nobody judges it: write the status holding the run's lock, so a tab about to take the run
    // up (it takes that lock first, then reads the status) cannot judge it after all.
    const written = await withLockIfFree(runLockName(runId), async () => {
      await this.setStatus(runId, action === 'pause' ? 'paused' : 'cancelled');
      return true;
    });
    if (written) return;
    this.requested = { ...this.requested, [runId]: action };
    this.channel.post({ type: 'command', runId, action });
    // Nobody answered (the run ended meanwhile): let the buttons work again.
    setTimeout(() => this.clearRequest(runId), 15_000);
  }

  private clearRequest(runId: string): void {
    if (!(runId in this.requested)) return;
    const { [runId]: _done, ...rest } = this.requested;
    this.requested = rest;
  }

  async resume(runId: string): Promise<void> {
    await this.setStatus(runId, 'running', null);
    await this.ensureWorker();
  }

  private async setStatus(
    runId: string,
    status: RunRecord['status'],
    error?: string | null,
  ): Promise<void> {
    try {
      const repos = await this.storage.repositories();
      await repos.runs.update(runId, { status, ...(error !== undefined ? { error } : {}) });
      this.channel.post({ type: 'changed', runId });
      await this.refresh();
      if (this.detail?.id === runId) await this.openDetail(runId);
    } catch (e) {
      this.error = e;
    }
  }

  async deleteRun(runId: string): Promise<void> {
    try {
      if (this.runner?.runId === runId) this.runner.cancel();
      const repos = await this.storage.repositories();
      await repos.runs.delete(runId);
      this.channel.post({ type: 'changed', runId });
      await this.refresh();
    } catch (e) {
      this.error = e;
    }
  }

  /** Opens #/runs/<id>: the run, its subset's items, and the first page of results. */
  async openDetail(runId: string): Promise<void> {
    this.detailError = null;
    try {
      const repos = await this.storage.repositories();
      const run = await repos.runs.get(runId);
      if (!run) {
        this.detail = null;
        this.detailError = new Error('This run does not exist (it may have been deleted).');
        return;
      }
      if (this.detail?.id !== runId || this.detailItems.length === 0) {
        this.results = {};
        this.visible = [0, 40];
        this.detailItems =
          run.datasetId && run.spec
            ? selectItems(await datasetItems(repos, run.datasetId), run.spec.filter)
            : [];
      }
      this.detail = run;
      await this.loadVisible(true);
    } catch (e) {
      this.detailError = e;
    }
  }

  /**
   * The results list shows items [from, to) (virtualised): reads their judgments unless already
   * read, so a 10,000-item run reads only what is on screen. `refresh` re-reads them (live runs).
   */
  async showRange(from: number, to: number, refresh = false): Promise<void> {
    this.visible = [Math.max(0, from), Math.min(this.detailItems.length, Math.max(from, to))];
    await this.loadVisible(refresh);
  }

  private schedulePage(): void {
    // Live runs refresh the visible rows at most once a second.
    this.pageTimer ??= setTimeout(() => {
      this.pageTimer = null;
      void this.loadVisible(true);
    }, 1000);
  }

  /** Reads the judgments of the visible items (with a margin) that are not read yet, or all of them on refresh. */
  async loadVisible(refresh = false): Promise<void> {
    const run = this.detail;
    if (!run) return;
    try {
      const repos = await this.storage.repositories();
      const [from, to] = this.visible;
      const want = this.detailItems
        .slice(Math.max(0, from - RESULT_MARGIN), to + RESULT_MARGIN)
        .filter((i) => refresh || !(i.id in this.results));
      if (want.length === 0) return;
      const fresh = refresh ? await repos.runs.get(run.id) : run;
      const lists = await Promise.all(want.map((i) => repos.judgments.byItem(i.id)));
      if (this.detail?.id !== run.id) return;
      const next = { ...this.results };
      want.forEach((item, k) => {
        next[item.id] = itemResult(
          item,
          (lists[k] ?? []).filter((j) => j.runId === run.id),
          fresh?.failures ?? [],
        );
      });
      this.results = next;
      if (fresh && refresh) this.detail = fresh;
    } catch (e) {
      this.detailError = e;
    }
  }

  /** Downloads the open run's results in one of the export formats. */
  async exportRun(
    format:
      | 'items-csv'
      | 'items-jsonl'
      | 'judgments-csv'
      | 'judgments-jsonl'
      | 'alpaca-eval'
      | 'fastchat'
      | 'arena-hard'
      | 'workspace',
  ): Promise<void> {
    const run = this.detail;
    if (!run) return;
    this.exporting = true;
    try {
      const repos = await this.storage.repositories();
      // Exporters load on first use, keeping them out of the main bundle.
      const { exportWorkspace } = await import('../run/workspace-io');
      const source = location.origin + location.pathname;
      const base = `arbiter-run-${run.id.slice(0, 8)}-${stamp()}`;
      const items = this.detailItems;
      const judgments = async () => {
        const out = [];
        for await (const j of repos.judgments.all({ runId: run.id })) out.push(j);
        return out;
      };
      const text = (chunks: Iterable<string>, type: string) => new Blob([...chunks], { type });
      let blob: Blob;
      let name: string;
      switch (format) {
        case 'items-csv':
        case 'items-jsonl': {
          const rows = itemResults(items, await judgments(), run.failures ?? []);
          blob =
            format === 'items-csv'
              ? text(itemResultsCsv(rows, { bom: true }), 'text/csv;charset=utf-8')
              : text(itemResultsJsonl(run, rows, source), 'application/x-ndjson');
          name = `${base}-items.${format === 'items-csv' ? 'csv' : 'jsonl'}`;
          break;
        }
        case 'judgments-csv':
        case 'judgments-jsonl': {
          const fmt = format === 'judgments-csv' ? 'csv' : 'jsonl';
          blob = await exportJudgmentsBlob(repos.judgments.allWithItems({ runId: run.id }), fmt, {
            source,
            bom: fmt === 'csv',
          });
          name = `${base}-judgments.${fmt}`;
          break;
        }
        case 'alpaca-eval':
          blob = new Blob(
            [JSON.stringify(alpacaEvalAnnotations(run, items, await judgments()), null, 2)],
            { type: 'application/json' },
          );
          name = `${base}-alpaca_eval-annotations.json`;
          break;
        case 'fastchat':
          blob = text(
            fastchatJudgmentsJsonl(run, items, await judgments()),
            'application/x-ndjson',
          );
          name = `${base}-fastchat-judgment.jsonl`;
          break;
        case 'arena-hard':
          blob = text(
            arenaHardJudgmentsJsonl(run, items, await judgments()),
            'application/x-ndjson',
          );
          name = `${base}-arena-hard-judgment.jsonl`;
          break;
        case 'workspace': {
          const chunks: string[] = [];
          for await (const l of exportWorkspace(repos, source, { runIds: [run.id] }))
            chunks.push(l);
          blob = new Blob(chunks, { type: 'application/x-ndjson' });
          name = `${base}.arbiter-workspace.jsonl`;
          break;
        }
      }
      downloadBlob(blob, name);
    } catch (e) {
      this.detailError = e;
    } finally {
      this.exporting = false;
    }
  }

  /** Downloads the whole workspace (every dataset, item, run, judgment and label). */
  async exportAll(): Promise<void> {
    this.exporting = true;
    try {
      const repos = await this.storage.repositories();
      const { exportWorkspace } = await import('../run/workspace-io');
      const chunks: string[] = [];
      for await (const l of exportWorkspace(repos, location.origin + location.pathname))
        chunks.push(l);
      downloadBlob(
        new Blob(chunks, { type: 'application/x-ndjson' }),
        `arbiter-workspace-${stamp()}.jsonl`,
      );
    } catch (e) {
      this.error = e;
    } finally {
      this.exporting = false;
    }
  }

  /** Imports a workspace file (or the CLI's --out file); a second import of the same file adds nothing. */
  async importFile(file: File): Promise<void> {
    this.importing = true;
    this.importReport = null;
    try {
      const repos = await this.storage.repositories();
      const text = await file.text();
      const { importWorkspace } = await import('../run/workspace-io');
      this.importReport = await importWorkspace(repos, text);
      this.channel.post({ type: 'changed', runId: '' });
      await this.refresh();
    } catch (e) {
      this.error = e;
    } finally {
      this.importing = false;
    }
  }

  /** The bad lines of the last import as a downloadable JSONL. */
  downloadImportErrors(): void {
    const errors: RowError[] = this.importReport?.errors ?? [];
    downloadBlob(
      new Blob(
        errors.map((e) => `${JSON.stringify(e)}\n`),
        { type: 'application/x-ndjson' },
      ),
      `arbiter-import-errors-${stamp()}.jsonl`,
    );
  }
}
