// Review state of the opened run: the picker's runs, its rows and dashboard, intervals, gold source, triage filter and cursor.
import { fileStem } from '../ui/download';
import type { DatasetRecord, Repositories, RunRecord } from '../store';
import { buildRowsFromTable, isPairwiseRun, type GoldSource, type ReviewRow } from '../review/rows';
import { buildDashboard, type Dashboard } from '../review/dashboard';
import { filterRows, NO_FILTER, type TriageFilter } from '../review/filter';
import { reviewFile } from '../review/export';
import { compactRun, readRun, type LoadedRun } from '../review/load';
import { fillIntervals } from '../review/intervals';
import { afterPaint } from '../review/schedule';
import { reviewableRuns, searchTexts } from '../review/reads';
import type { StorageState } from './storage.svelte';

/** One run under review at a time; ReviewLabelState and ReviewState add labels, compare and meta-judge. */
export class ReviewRunState {
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

  protected loaded: LoadedRun | null = null;
  /** Resolves once the opened run's first screen is painted: item texts wait for it. */
  protected painted: Promise<void> = Promise.resolve();
  private generation = 0;
  private ciGeneration = 0;

  constructor(protected readonly storage: StorageState) {}

  protected repos(): Promise<Repositories> {
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

  protected readonly onRebuild = (done: number, total: number) => {
    this.rebuilding = { done, total };
  };

  /** Reads one run's facts (digest, labels); a stale digest is rebuilt, shown as `rebuilding`. */
  private async read(runId: string): Promise<LoadedRun | null> {
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
    this.refreshNumbers();
  }

  /** The dashboard from the current rows; intervals follow in the background. */
  protected refreshNumbers(): void {
    const l = this.loaded;
    if (!l) return;
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

  /** The review (verdicts, dataset labels, your labels and notes) as a file for the browser to save. */
  exportReview(format: 'jsonl' | 'csv'): { name: string; blob: Blob } {
    const stem = fileStem('arbiter-review', this.run?.id ?? this.runId ?? 'run');
    return reviewFile(stem, format, this.run, this.rows, location.origin + location.pathname);
  }
}
