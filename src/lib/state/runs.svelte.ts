// State of the Runs pages: new-run form with estimate, the runner this tab owns, live state from other tabs, exports.
import type { ItemResult } from '../data/interop';
import {
  rowErrorsFile,
  runExportFile,
  type ExportFile,
  type RunExportFormat,
} from '../data/run-export';
import type { JudgeEngine, ModelSpec } from '../engine/types';
import { getTemplate, type Template } from '../judge';
import { datasetItems, type BatchProgress } from '../run/batch';
import { DetailWindow } from '../run/detail-window';
import {
  emptyRunForm,
  formEstimate,
  formFilter,
  measuredSpeed,
  runFromForm,
  type RunForm,
} from '../run/form';
import type { RunEstimate } from '../run/estimate';
import { RunScheduler } from '../run/scheduler';
import { categoriesOf, selectItems } from '../run/subset';
import type { ImportReport } from '../run/workspace-io';
import type { DatasetRecord, ItemRecord, Repositories, RunRecord } from '../store';
import type { ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';
import { pageTemplates } from './judge.svelte';
import { downloadBlob } from '../ui/download';

export { defaultMaxTokens, formFilter, type RunForm } from '../run/form';

export class RunsState {
  runs = $state.raw<RunRecord[]>([]);
  datasets = $state.raw<DatasetRecord[]>([]);
  loading = $state(false);
  error = $state<unknown>(null);

  form = $state<RunForm>(emptyRunForm());
  /** Items of the dataset chosen in the form (for categories and the estimate). */
  formItems = $state.raw<ItemRecord[]>([]);
  private formItemsOf = '';
  starting = $state(false);

  // The scheduler's view (run/scheduler.ts SchedulerView says what each is).
  live = $state.raw<Record<string, BatchProgress>>({});
  activeRunId = $state<string | null>(null);
  owner = $state(false);
  requested = $state.raw<Record<string, 'pause' | 'cancel'>>({});

  /** The run open on #/runs/<id>: its record, its subset's items and a page of results. */
  detail = $state.raw<RunRecord | null>(null);
  detailItems = $state.raw<ItemRecord[]>([]);
  /** Results read so far, by item id (the list is virtualised: only rows on screen are read). */
  results = $state.raw<Record<string, ItemResult>>({});
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
  /** The configured server's spec for a model it serves (set by AppState): a run (a panel member) on a server. */
  serverSpec: (modelId: string) => ModelSpec | null = () => null;

  private readonly scheduler: RunScheduler;
  private readonly window: DetailWindow;

  constructor(
    private readonly engine: JudgeEngine,
    private readonly models: ModelState,
    private readonly storage: StorageState,
  ) {
    const repositories = () => this.storage.repositories();
    this.window = new DetailWindow(this, repositories);
    this.scheduler = new RunScheduler(this, {
      engine,
      repositories,
      models: this.models,
      engineBusyElsewhere: () => this.engineBusyElsewhere(),
      serverSpec: (modelId) => this.serverSpec(modelId),
      refresh: () => this.refresh(),
      reopen: (runId) => this.window.reopen(runId),
      progressed: (runId) => this.window.progressed(runId),
    });
  }

  private computeEstimate(): RunEstimate | null {
    const m = this.models;
    const speed = measuredSpeed(m.testResult, m.loaded?.calibration);
    const spec = m.loaded?.spec ?? m.selected?.spec;
    return formEstimate(this.subset, this.form, this.template, spec, speed);
  }

  /** Whether this tab only watches `runId` (another tab is judging it). */
  readOnly = (run: RunRecord | null): boolean => this.scheduler.readOnly(run);

  /** Loads the lists, recovers interrupted runs, and queues for the engine when a run waits. */
  async init(): Promise<void> {
    await this.refresh();
    await this.scheduler.recover();
    await this.scheduler.sweep();
    await this.ensureWorker();
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

  /** Queues this tab for the engine when some run waits (see RunScheduler.ensureWorker). */
  ensureWorker(): Promise<void> {
    return this.scheduler.ensureWorker();
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
      const form = $state.snapshot(this.form) as RunForm;
      const run = runFromForm(form, this.template, this.engine.kind, spec, this.estimate);
      await repos.runs.put(run);
      await this.scheduler.started(run.id);
      return run.id;
    } catch (e) {
      this.error = e;
      return null;
    } finally {
      this.starting = false;
    }
  }

  /** Runs created elsewhere (a panel's members): tells every tab, hands them to the engine owner. */
  started = (runId: string): Promise<void> => this.scheduler.started(runId);
  pause = (runId: string): Promise<void> => this.scheduler.stop(runId, 'pause');
  cancel = (runId: string): Promise<void> => this.scheduler.stop(runId, 'cancel');
  resume = (runId: string): Promise<void> => this.scheduler.resume(runId);
  deleteRun = (runId: string): Promise<void> => this.scheduler.delete(runId);

  /** Opens #/runs/<id>: the run, its subset's items, and the first page of results. */
  openDetail = (runId: string): Promise<void> => this.window.open(runId);

  /** The results list shows items [from, to) (virtualised); `refresh` re-reads them (live runs). */
  showRange = (from: number, to: number, refresh = false): Promise<void> =>
    this.window.show(from, to, refresh);

  /** Reads the judgments of the visible rows not read yet, or all of them on refresh. */
  loadVisible = (refresh = false): Promise<void> => this.window.load(refresh);

  /** Downloads the open run's results in one of the export formats. */
  async exportRun(format: RunExportFormat): Promise<void> {
    const run = this.detail;
    if (!run) return;
    await this.download(
      (e) => (this.detailError = e),
      async (repos, source) => {
        // The workspace exporter loads on first use, keeping it out of the main bundle.
        if (format === 'workspace')
          return (await import('../run/workspace-file')).workspaceFile(repos, source, run);
        return runExportFile(repos, run, this.detailItems, format, source);
      },
    );
  }

  /** Downloads the whole workspace (every dataset, item, run, judgment and label). */
  async exportAll(): Promise<void> {
    await this.download(
      (e) => (this.error = e),
      async (repos, source) => (await import('../run/workspace-file')).workspaceFile(repos, source),
    );
  }

  private async download(
    fail: (e: unknown) => void,
    file: (repos: Repositories, source: string) => Promise<ExportFile>,
  ): Promise<void> {
    this.exporting = true;
    try {
      const { blob, name } = await file(
        await this.storage.repositories(),
        location.origin + location.pathname,
      );
      downloadBlob(blob, name);
    } catch (e) {
      fail(e);
    } finally {
      this.exporting = false;
    }
  }

  /** Imports a workspace file (or the CLI's --out file); a second import of the same file adds nothing. */
  async importFile(file: File): Promise<void> {
    this.importing = true;
    this.importReport = null;
    try {
      const { importWorkspaceFile } = await import('../run/workspace-file');
      this.importReport = await importWorkspaceFile(await this.storage.repositories(), file);
      this.scheduler.announce('');
      await this.refresh();
    } catch (e) {
      this.error = e;
    } finally {
      this.importing = false;
    }
  }

  /** The bad lines of the last import as a downloadable JSONL. */
  downloadImportErrors(): void {
    const { blob, name } = rowErrorsFile(this.importReport?.errors ?? []);
    downloadBlob(blob, name);
  }
}
