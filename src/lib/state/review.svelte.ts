// Review state: a run's rows and dashboard, triage filters and cursor, your labels, compare, leaderboard, meta-judge.
import { fileStem } from '../ui/download';
import { judgeItem } from '../judge/judge-item';
import { metaRewardingMeta } from '../judge/templates/meta-rewarding';
import type { JudgeEngine } from '../engine/types';
import type {
  DatasetRecord,
  ItemLabel,
  ItemRecord,
  JudgmentParams,
  JudgmentRecord,
  LabelRecord,
  Repositories,
  RunRecord,
} from '../store';
import { newId } from '../store';
import {
  buildRowsFromTable,
  isPairwiseRun,
  withHuman,
  type GoldSource,
  type ReviewRow,
} from '../review/rows';
import { buildDashboard, REVIEW_BOOTSTRAP, type Dashboard } from '../review/dashboard';
import { bootstrapJob } from '../review/summary';
import { filterRows, NO_FILTER, type TriageFilter } from '../review/filter';
import { compareRuns, type RunComparison } from '../review/compare';
import { buildLeaderboard, type Leaderboard } from '../review/leaderboard';
import { gradesVerdicts, strengthsOf } from '../review/strengths';
import type { Weighting } from '../judge/metrics';
import { reviewCsv, reviewJsonl } from '../review/export';
import { compactRun, readRun, type LoadedRun as Loaded } from '../review/load';
import {
  META_PROTOCOL,
  isMetaSummary,
  metaItem,
  metaRecord,
  metaResult,
  metaRun,
  type MetaRunContext,
  type MetaSummary,
} from '../review/meta';
import { ENGINE_BUSY, type ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';

/** A meta-judge comparison shown under an item. */
export interface MetaEntry {
  run: RunRecord;
  summary: MetaSummary;
  judgments: JudgmentRecord[];
}

const BOOTSTRAP_CHUNK = 50;

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Resolves after the next frame has been painted (a task queued from its animation frame), or
 * after a second in a hidden tab, where frames do not come.
 */
const afterPaint = (frames = 1) =>
  new Promise<void>((r) => {
    setTimeout(r, 1000);
    if (typeof requestAnimationFrame !== 'function') return;
    const frame = (left: number) =>
      requestAnimationFrame(() => (left > 1 ? frame(left - 1) : setTimeout(r, 0)));
    frame(frames);
  });

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
      const repos = await this.repos();
      this.runs = (await repos.runs.list()).filter((r) => r.config.protocol !== META_PROTOCOL);
      this.error = null;
    } catch (e) {
      this.error = e;
    } finally {
      this.runsLoading = false;
    }
  }

  /** Reads one run's facts (digest, labels); a stale digest is rebuilt, shown as `rebuilding`. */
  private async read(runId: string): Promise<Loaded | null> {
    try {
      return await readRun(await this.repos(), runId, (done, total) => {
        this.rebuilding = { done, total };
      });
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
    const groups = [d.overall, ...d.subsets];
    const jobs = groups.map((g) => bootstrapJob(g.table, REVIEW_BOOTSTRAP));
    this.intervalsTotal = jobs.reduce((s, j) => s + j.iterations, 0);
    this.intervalsDone = 0;
    // Resampling starts once the numbers and the list are painted, so it never delays them.
    await afterPaint();
    if (generation !== this.ciGeneration) return;
    let finished = 0;
    for (const job of jobs) {
      while (!job.done) {
        await tick();
        if (generation !== this.ciGeneration) return;
        this.intervalsDone = finished + job.step(BOOTSTRAP_CHUNK);
      }
      finished += job.iterations;
    }
    if (generation !== this.ciGeneration || this.dashboard !== d) return;
    const [overall, ...subsets] = groups.map((g, i) => ({ ...g, intervals: jobs[i]!.result() }));
    this.dashboard = { ...d, overall: overall!, subsets };
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
    const ids = this.rows.map((r) => r.itemId);
    this.searchLoading = true;
    try {
      const repos = await this.repos();
      const items = await repos.items.getMany(ids);
      if (runId !== this.runId) return;
      // Replaced whole, never mutated: a plain Map in $state.raw is what should be watched.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      this.searchTexts = new Map(
        items
          .filter((it) => it !== undefined)
          .map((it) => [
            it.id,
            `${it.prompt}\u0000${it.responseA}\u0000${it.responseB ?? ''}`.toLowerCase(),
          ]),
      );
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
    if (format === 'csv')
      return {
        name: `${stem}.csv`,
        blob: new Blob(['\ufeff', reviewCsv(this.rows)], { type: 'text/csv' }),
      };
    return {
      name: `${stem}.jsonl`,
      blob: new Blob([reviewJsonl(this.run, this.rows, location.origin + location.pathname)], {
        type: 'application/x-ndjson',
      }),
    };
  }

  /** Rows of a run for compare/leaderboard (labels as gold from the dataset). */
  private async rowsOf(runId: string): Promise<{ run: RunRecord | undefined; rows: ReviewRow[] }> {
    const l = await this.read(runId);
    if (!l) return { run: undefined, rows: [] };
    return {
      run: l.run,
      rows: buildRowsFromTable({
        run: l.run,
        table: l.table,
        items: l.itemsById,
        labels: [...l.labels.values()],
      }),
    };
  }

  async compare(a: string, b: string): Promise<void> {
    this.compareLoading = true;
    this.comparison = null;
    try {
      const [ra, rb] = await Promise.all([this.rowsOf(a), this.rowsOf(b)]);
      this.compareRunsPair = [ra.run, rb.run];
      this.comparison = compareRuns(ra.rows, rb.rows, REVIEW_BOOTSTRAP);
      this.compareError = null;
    } catch (e) {
      this.compareError = e;
    } finally {
      this.compareLoading = false;
    }
  }

  async openLeaderboard(runId: string): Promise<void> {
    this.leaderboardLoading = true;
    this.leaderboard = null;
    try {
      if (this.runId !== runId || !this.loaded) await this.open(runId);
      await tick();
      const weighting = gradesVerdicts(this.run) ? this.weighting : 'plain';
      this.leaderboard = buildLeaderboard(this.rows, {
        bootstrap: { iterations: 200, seed: 1 },
        lengthControl: this.lengthControl,
        weighting,
        ...(weighting === 'arena-hard'
          ? { strengths: await strengthsOf((await this.repos()).judgments, runId) }
          : {}),
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
      const repos = await this.repos();
      const [all, item] = await Promise.all([
        repos.judgments.byItem(itemId),
        repos.items.get(itemId),
      ]);
      if (this.detailLoading !== itemId) return;
      this.detailItem = item;
      this.itemJudgments = all
        .filter((j) => j.protocol !== META_PROTOCOL)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      const metaIds = all
        .filter((j) => j.protocol === META_PROTOCOL)
        .map((j) => j.runId)
        .filter((id, i, ids) => ids.indexOf(id) === i);
      const entries: MetaEntry[] = [];
      for (const id of metaIds) {
        const run = await repos.runs.get(id);
        if (!run || !isMetaSummary(run.summary)) continue;
        entries.push({
          run,
          summary: run.summary,
          judgments: all.filter((j) => j.runId === id),
        });
      }
      this.metaEntries = entries.sort((a, b) => b.run.createdAt - a.run.createdAt);
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
    this.abortMeta = new AbortController();
    const template = metaRewardingMeta;
    const params: JudgmentParams = {
      temperature: 0,
      seed: 1,
      max_tokens: loaded.spec.thinking ? 2048 : 1024,
      samples: 1,
      bothOrders: true,
      constrained: false,
    };
    const ctx: MetaRunContext = {
      runId: newId(),
      itemId: item.id,
      engine: this.engine.kind,
      modelId: loaded.spec.modelId,
      templateId: template.id,
      templateVersion: template.version,
      params,
      judgmentA: a.id,
      judgmentB: b.id,
      now: Date.now(),
    };
    const run = metaRun(ctx);
    let repos: Repositories;
    try {
      repos = await this.repos();
      await repos.runs.put(run);
    } catch (e) {
      this.metaError = e;
      this.metaRunning = false;
      return;
    }
    const writes: Promise<void>[] = [];
    let done = 0;
    try {
      const result = await judgeItem(
        this.engine,
        metaItem(item, a, b),
        {
          template,
          thinkingModel: loaded.spec.thinking,
          bothOrders: true,
          temperature: 0,
          seed: 1,
          max_tokens: params.max_tokens,
        },
        {
          signal: this.abortMeta.signal,
          onToken: (_o, _s, _d, text) => (this.metaStream = text),
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
    } catch (e) {
      this.metaError = e;
      await Promise.allSettled(writes);
      await repos.runs
        .update(run.id, { status: 'failed', progress: { total: 2, done, failed: 1 } })
        .catch(() => undefined);
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
