// Review state: a run's rows and dashboard, triage filters and cursor, your labels, compare, leaderboard, meta-judge.
import { fileStem } from '../ui/download';
import type { JudgeEngine } from '../engine/types';
import type {
  DatasetRecord,
  ItemLabel,
  ItemRecord,
  JudgmentRecord,
  LabelRecord,
  Repositories,
  RunRecord,
} from '../store';
import {
  buildRowsFromTable,
  isPairwiseRun,
  withHuman,
  type GoldSource,
  type ReviewRow,
} from '../review/rows';
import { buildDashboard, type Dashboard } from '../review/dashboard';
import { filterRows, NO_FILTER, type TriageFilter } from '../review/filter';
import type { RunComparison } from '../review/compare';
import type { Leaderboard } from '../review/leaderboard';
import type { Weighting } from '../judge/metrics';
import { reviewFile } from '../review/export';
import { compactRun, readRun, type LoadedRun as Loaded } from '../review/load';
import { fillIntervals } from '../review/intervals';
import { afterPaint, tick } from '../review/schedule';
import { readItemDetail, type MetaEntry } from '../review/item-detail';
import {
  compareStored,
  reviewableRuns,
  runLeaderboard,
  searchTexts,
} from '../review/reads';
import { createMetaRun, judgeMetaRun, type MetaJob } from '../run/meta-judge';
import { ENGINE_BUSY, type ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';

export type { MetaEntry };

/** Reads two runs' rows for compare and one for the leaderboard; the dashboard run is `current`. */
export class ReviewState {
  runs = $state.raw<RunRecord[]>([]);
  runsLoading = $state(false);
  runId = $state<string | null>(null);
  run = $state.raw<RunRecord | undefined>(undefined);
  dataset = $state.raw<DatasetRecord | undefined>(undefined);
  rows = $state.raw<ReviewRow[]>([]);
  loading = $state(false);
  missing = $state(false);
  error = $state<unknown>(null);
  gold = $state<GoldSource>('dataset');
  dashboard = $state.raw<Dashboard | null>(null);
  /**
   * False from an open until its first screen (headline numbers, first list rows) is painted; the
   * dashboard's sections below the fold are drawn after that.
   */
  settled = $state(false);
  /** Intervals are computed after the numbers show, in chunks; this says how far. */
  intervalsDone = $state(0);
  intervalsTotal = $state(0);
  filter = $state.raw<TriageFilter>(NO_FILTER);
  /** Building a missing or stale review digest on open: judgments read so far of total. */
  rebuilding = $state.raw<{ done: number; total: number } | null>(null);
  /** Full texts of the run's items for the text filter (lowercased), read on first search. */
  searchTexts = $state.raw<Map<string, string> | null>(null);
  searchLoading = $state(false);
  readonly filtered = $derived(filterRows(this.rows, this.filter, this.searchTexts));
  /** Index into `filtered` of the item under review. */
  cursor = $state(0);
  readonly current = $derived<ReviewRow | undefined>(this.filtered[this.cursor]);
  saving = $state(false);
  labelError = $state<unknown>(null);

  comparison = $state.raw<RunComparison | null>(null);
  compareRunsPair = $state.raw<[RunRecord | undefined, RunRecord | undefined]>([
    undefined,
    undefined,
  ]);
  compareError = $state<unknown>(null);
  compareLoading = $state(false);

  leaderboard = $state.raw<Leaderboard | null>(null);
  leaderboardLoading = $state(false);
  leaderboardError = $state<unknown>(null);
  lengthControl = $state(false);
  /** How verdicts count as games for the ratings (Arena-Hard's weighting reads verdict strengths). */
  weighting = $state<Weighting>('plain');

  /** Judgments of the current item in any run (candidates for the meta-judge), and its meta results. */
  itemJudgments = $state.raw<JudgmentRecord[]>([]);
  /** The full record of the item under review (read by id when it is shown). */
  detailItem = $state.raw<ItemRecord | undefined>(undefined);
  /** The item whose full records are being read, or null. */
  detailLoading = $state<string | null>(null);
  metaEntries = $state.raw<MetaEntry[]>([]);
  metaRunning = $state(false);
  metaError = $state<unknown>(null);
  metaStream = $state('');

  private loaded: Loaded | null = null;
  /** Resolves once the opened run's first screen is painted: item texts wait for it. */
  private painted: Promise<void> = Promise.resolve();
  private generation = 0;
  private ciGeneration = 0;
  private abortMeta: AbortController | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly storage: StorageState,
    private readonly engine: JudgeEngine,
    private readonly models: ModelState,
  ) {}

  private repos(): Promise<Repositories> {
    return this.storage.repositories();
  }

  /** Runs for the picker, newest first, meta-judge runs left out. */
  async loadRuns(): Promise<void> {
    this.runsLoading = true;
    try {
      this.runs = await reviewableRuns(await this.repos());
      this.error = null;
    } catch (e) {
      this.error = e;
    } finally {
      this.runsLoading = false;
    }
  }

  private readonly onRebuild = (done: number, total: number) => {
    this.rebuilding = { done, total };
  };

  /** Reads one run's facts (digest, labels); a stale digest is rebuilt, shown as `rebuilding`. */
  private async read(runId: string): Promise<Loaded | null> {
    try {
      return await readRun(await this.repos(), runId, this.onRebuild);
    } finally {
      this.rebuilding = null;
    }
  }

  /** Opens a run's dashboard and triage list. */
  async open(runId: string): Promise<void> {
    const generation = ++this.generation;
    // The last run's intervals, if still resampling, stop: they would compete with this read.
    this.ciGeneration++;
    // Marks for bench/review.mjs: reading the store vs building the numbers.
    performance.mark('arbiter:review:open');
    this.runId = runId;
    this.loading = true;
    this.missing = false;
    this.error = null;
    this.dashboard = null;
    this.settled = false;
    this.rows = [];
    this.searchTexts = null;
    try {
      const loaded = await this.read(runId);
      performance.mark('arbiter:review:read');
      if (generation !== this.generation) return;
      if (!loaded) {
        this.missing = true;
        this.loaded = null;
        this.run = undefined;
        return;
      }
      this.loaded = loaded;
      this.run = loaded.run;
      this.dataset = loaded.dataset;
      this.filter = NO_FILTER;
      this.cursor = 0;
      this.rebuild();
      // Two frames: the one that shows the numbers and the list's first rows, and the next, in
      // which the virtual list lays out the rows it has measured. What waits comes after both.
      this.painted = afterPaint(2).then(() => {
        if (generation === this.generation) this.settled = true;
      });
      performance.mark('arbiter:review:built');
      if (loaded.fragmented) void this.compactAfterPaint(runId);
    } catch (e) {
      if (generation === this.generation) this.error = e;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /**
   * The run's view closed: its intervals stop resampling, which would otherwise go on in the
   * background (seconds of main-thread slices for a large run) while the user judges or imports.
   * Opening the run again computes them again.
   */
  leave(): void {
    this.ciGeneration++;
  }

  /** Compacts the run's digest once the first screen is painted, so the next open reads less. */
  private async compactAfterPaint(runId: string): Promise<void> {
    await afterPaint();
    await compactRun(await this.repos(), runId);
  }

  /** Rows and dashboard from the loaded records; intervals follow in the background. */
  private rebuild(): void {
    const l = this.loaded;
    if (!l) return;
    this.rows = buildRowsFromTable(
      { run: l.run, table: l.table, items: l.itemsById, labels: [...l.labels.values()] },
      this.gold,
    );
    this.dashboard = buildDashboard(this.rows, isPairwiseRun(l.table, l.run));
    void this.computeIntervals();
  }

  /** Fills the dashboard's intervals, yielding to the UI between chunks; a newer rebuild cancels it. */
  private async computeIntervals(): Promise<void> {
    const generation = ++this.ciGeneration;
    const d = this.dashboard;
    if (!d) return;
    const filled = await fillIntervals(d, {
      live: () => generation === this.ciGeneration,
      onProgress: (done, total) => {
        this.intervalsDone = done;
        this.intervalsTotal = total;
      },
    });
    if (!filled || generation !== this.ciGeneration || this.dashboard !== d) return;
    this.dashboard = filled;
    this.intervalsDone = this.intervalsTotal;
  }

  /** Whose labels count as gold in the metrics. */
  setGold(gold: GoldSource): void {
    if (this.gold === gold) return;
    this.gold = gold;
    this.rebuild();
  }

  setFilter(patch: Partial<TriageFilter>): void {
    if (patch.text?.trim() && !this.searchTexts && !this.searchLoading) void this.loadTexts();
    const keep = this.current?.itemId;
    this.filter = { ...this.filter, ...patch };
    const i = keep ? this.filtered.findIndex((r) => r.itemId === keep) : -1;
    this.cursor = Math.max(0, i);
  }

  /**
   * Reads the run's items in full once, for the text filter; until then it searches the prompt
   * snippets of the digest (the view says so).
   */
  private async loadTexts(): Promise<void> {
    const runId = this.runId;
    this.searchLoading = true;
    try {
      const texts = await searchTexts(
        await this.repos(),
        this.rows.map((r) => r.itemId),
      );
      if (runId === this.runId) this.searchTexts = texts;
    } catch (e) {
      this.error = e;
    } finally {
      this.searchLoading = false;
    }
  }

  clearFilter(): void {
    this.setFilter(NO_FILTER);
  }

  /** Moves the cursor by `delta` within the filtered list. */
  move(delta: number): void {
    const n = this.filtered.length;
    if (n === 0) return;
    this.cursor = Math.min(n - 1, Math.max(0, this.cursor + delta));
  }

  select(index: number): void {
    if (index >= 0 && index < this.filtered.length) this.cursor = index;
  }

  /**
   * Stores your label (and keeps or replaces the note) on an item with LabelStore.set. The
   * judge's judgments are never touched. Rows and numbers update in place; nothing is reloaded.
   */
  async setLabel(itemId: string, label: ItemLabel | null, note?: string): Promise<void> {
    const l = this.loaded;
    if (!l) return;
    this.saving = true;
    try {
      const repos = await this.repos();
      const before = l.labels.get(itemId);
      const record = await repos.labels.set(itemId, label, note ?? before?.note ?? '');
      l.labels.set(itemId, record);
      this.labelError = null;
      this.relabel(itemId, record);
    } catch (e) {
      this.labelError = e;
    } finally {
      this.saving = false;
    }
  }

  /**
   * Swaps in one row with its new label, keeps the cursor on the same item when the filter still
   * shows it, and refreshes the numbers a moment later (a burst of keystrokes recomputes once).
   */
  private relabel(itemId: string, record: LabelRecord | undefined): void {
    const keep = this.current?.itemId;
    const at = this.cursor;
    this.rows = this.rows.map((r) => (r.itemId === itemId ? withHuman(r, record, this.gold) : r));
    const i = keep ? this.filtered.findIndex((r) => r.itemId === keep) : -1;
    this.cursor = i >= 0 ? i : Math.min(at, Math.max(0, this.filtered.length - 1));
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      const l = this.loaded;
      if (!l) return;
      this.dashboard = buildDashboard(this.rows, isPairwiseRun(l.table, l.run));
      void this.computeIntervals();
    }, 300);
  }

  /** Your label := the judge's final verdict (accept the judge over the dataset's label). */
  async acceptVerdict(row: ReviewRow): Promise<void> {
    if (row.verdict === null) return;
    await this.setLabel(row.itemId, row.verdict);
  }

  async setNote(itemId: string, note: string): Promise<void> {
    const existing = this.loaded?.labels.get(itemId);
    await this.setLabel(itemId, existing?.label ?? null, note);
  }

  async clearLabel(itemId: string): Promise<void> {
    const l = this.loaded;
    if (!l) return;
    try {
      const repos = await this.repos();
      await repos.labels.delete(itemId);
      l.labels.delete(itemId);
      this.relabel(itemId, undefined);
    } catch (e) {
      this.labelError = e;
    }
  }

  /** The review (verdicts, dataset labels, your labels and notes) as a file for the browser to save. */
  exportReview(format: 'jsonl' | 'csv'): { name: string; blob: Blob } {
    const stem = fileStem('arbiter-review', this.run?.id ?? this.runId ?? 'run');
    return reviewFile(stem, format, this.run, this.rows, location.origin + location.pathname);
  }

  async compare(a: string, b: string): Promise<void> {
    this.compareLoading = true;
    this.comparison = null;
    try {
      const { runs, comparison } = await compareStored(await this.repos(), a, b, this.onRebuild);
      this.compareRunsPair = runs;
      this.comparison = comparison;
      this.compareError = null;
    } catch (e) {
      this.compareError = e;
    } finally {
      this.rebuilding = null;
      this.compareLoading = false;
    }
  }

  async openLeaderboard(runId: string): Promise<void> {
    this.leaderboardLoading = true;
    this.leaderboard = null;
    try {
      if (this.runId !== runId || !this.loaded) await this.open(runId);
      await tick();
      this.leaderboard = await runLeaderboard(await this.repos(), this.run, this.rows, {
        weighting: this.weighting,
        lengthControl: this.lengthControl,
      });
      this.leaderboardError = null;
    } catch (e) {
      this.leaderboardError = e;
    } finally {
      this.leaderboardLoading = false;
    }
  }

  async setWeighting(w: Weighting): Promise<void> {
    this.weighting = w;
    if (this.runId) await this.openLeaderboard(this.runId);
  }

  async setLengthControl(on: boolean): Promise<void> {
    this.lengthControl = on;
    if (this.runId) await this.openLeaderboard(this.runId);
  }

  /**
   * The item's full record and its judgments in every run (texts for the detail view, meta-judge
   * candidates), and the meta-judge runs about it: read by key when the item is shown.
   */
  async loadItemJudgments(itemId: string): Promise<void> {
    this.detailLoading = itemId;
    try {
      // The item's texts (Markdown to render) never delay the numbers and the list.
      await this.painted;
      const detail = await readItemDetail(await this.repos(), itemId);
      if (this.detailLoading !== itemId) return;
      this.detailItem = detail.item;
      this.itemJudgments = detail.judgments;
      this.metaEntries = detail.metaEntries;
      this.metaError = null;
    } catch (e) {
      this.metaError = e;
    } finally {
      if (this.detailLoading === itemId) this.detailLoading = null;
    }
  }

  /**
   * Asks the loaded model which of two judgments of an item is better, in both orders, with the
   * Meta-Rewarding meta-judge template. The result is a run of its own (protocol 'meta-judge')
   * whose judgments are stored the moment each is parsed.
   */
  async metaJudge(item: ItemRecord, a: JudgmentRecord, b: JudgmentRecord): Promise<void> {
    const loaded = this.models.loaded;
    if (!loaded) {
      this.metaError = new Error('Load a model first (Models page): the meta-judge runs on it.');
      return;
    }
    if (this.models.batchRunOnEngine() !== null) {
      this.metaError = new Error(ENGINE_BUSY);
      return;
    }
    this.metaRunning = true;
    this.metaError = null;
    this.metaStream = '';
    const abort = (this.abortMeta = new AbortController());
    const model = { modelId: loaded.spec.modelId, thinking: loaded.spec.thinking };
    let repos: Repositories;
    let job: MetaJob;
    try {
      repos = await this.repos();
      job = await createMetaRun(repos, this.engine, model, item, a, b);
    } catch (e) {
      this.metaError = e;
      this.metaRunning = false;
      return;
    }
    try {
      await judgeMetaRun(repos, this.engine, model, job, {
        signal: abort.signal,
        onText: (text) => (this.metaStream = text),
      });
    } catch (e) {
      this.metaError = e;
    } finally {
      this.metaRunning = false;
      this.abortMeta = null;
      this.metaStream = '';
      await this.loadItemJudgments(item.id);
    }
  }

  /** The batch run holding this tab's engine, if any: the meta-judge waits for it. */
  get batchRunOnEngine(): string | null {
    return this.models.batchRunOnEngine();
  }

  stopMeta(): void {
    this.abortMeta?.abort();
  }
}
