// Panel review state (#/panel/<a>/<b>/…): the member runs as read, the panel's numbers under the chosen rule, triage filter and cursor, the item's texts.
import type { ItemRecord, JudgmentRecord, Repositories } from '../store';
import { readPanel, type LoadedPanel } from '../review/panel-reads';
import { compactRun } from '../review/load';
import {
  buildPanelModel,
  fillModelIntervals,
  preparePanelModel,
  type PanelModel,
  type PanelRuleChoice,
} from '../review/panel-model';
import type { PreparedPanelReview } from '../review/panel';
import { panelItemsFile, panelSummaryFile } from '../review/panel-export';
import { filterPanelRows, NO_PANEL_FILTER, type PanelFilter } from '../review/panel-filter';
import { readItemDetail } from '../review/item-detail';
import { fileStem } from '../ui/download';
import type { StorageState } from './storage.svelte';

/** The item under review: its full record and each member's judgments of it (texts included). */
export interface PanelItemDetail {
  itemId: string;
  item: ItemRecord | undefined;
  /** Per member (in member order), its judgments of the item, AB first. */
  byMember: JudgmentRecord[][];
}

/** One panel under review at a time; numbers come from review/panel-model (the core's buildPanelReview). */
export class PanelReviewState {
  /** The route's run ids joined, of the panel shown (or being read). */
  key = $state('');
  loading = $state(false);
  error = $state<unknown>(null);
  /** Building a member's missing or stale review digest: judgments read so far of total. */
  rebuilding = $state.raw<{ done: number; total: number } | null>(null);
  loaded = $state.raw<LoadedPanel | null>(null);
  rule = $state<PanelRuleChoice>('majority');
  model = $state.raw<PanelModel | null>(null);
  /** Resampling the 95% intervals after the figures are painted: iterations done of total. */
  intervalsDone = $state(0);
  intervalsTotal = $state(0);
  filter = $state.raw<PanelFilter>(NO_PANEL_FILTER);
  readonly filtered = $derived(this.model ? filterPanelRows(this.model.rows, this.filter) : []);
  /** Index into `filtered` of the item under review. */
  cursor = $state(0);
  readonly current = $derived(this.filtered[this.cursor]);
  detail = $state.raw<PanelItemDetail | null>(null);
  detailLoading = $state<string | null>(null);
  detailError = $state<unknown>(null);

  private generation = 0;

  constructor(private readonly storage: StorageState) {}

  private repos(): Promise<Repositories> {
    return this.storage.repositories();
  }

  /**
   * Reads the named runs and shows the panel's figures; their 95% intervals (1,000 resamples)
   * follow once that is painted. A newer open or rule wins over an older one.
   */
  async open(params: readonly string[]): Promise<void> {
    const gen = ++this.generation;
    // Marks for bench/panel-review.mjs: reading the store vs building the numbers.
    performance.mark('arbiter:panel:open');
    this.key = params.join('/');
    this.loading = true;
    this.error = null;
    this.model = null;
    this.loaded = null;
    this.detail = null;
    this.filter = NO_PANEL_FILTER;
    this.cursor = 0;
    try {
      const repos = await this.repos();
      const loaded = await readPanel(repos, params, (done, total) => {
        if (gen === this.generation) this.rebuilding = { done, total };
      });
      performance.mark('arbiter:panel:read');
      if (gen !== this.generation) return;
      this.rebuilding = null;
      this.loaded = loaded;
      const { model, prepared } = preparePanelModel(loaded, this.rule);
      this.model = model;
      performance.mark('arbiter:panel:built');
      this.loading = false;
      await this.withIntervals(gen, prepared);
      // Off the first-render path: a digest in many small chunks is rewritten into a few.
      for (const id of loaded.fragmented) if (gen === this.generation) await compactRun(repos, id);
    } catch (e) {
      if (gen === this.generation) this.error = e;
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.rebuilding = null;
      }
    }
  }

  /** After the figures are painted: the same model with its intervals (same rows, same order). */
  private async withIntervals(gen: number, prepared: PreparedPanelReview): Promise<void> {
    const model = this.model;
    if (!model) return;
    const filled = await fillModelIntervals(model, prepared, {
      live: () => gen === this.generation,
      onProgress: (done, total) => {
        this.intervalsDone = done;
        this.intervalsTotal = total;
      },
    });
    if (filled && gen === this.generation) this.model = filled;
  }

  /** Another aggregation rule: the numbers and triage are rebuilt from the runs already read. */
  async setRule(rule: PanelRuleChoice): Promise<void> {
    this.rule = rule;
    const loaded = this.loaded;
    if (!loaded) return;
    const gen = ++this.generation;
    try {
      const keep = this.current?.itemId;
      const { model, prepared } = preparePanelModel(loaded, rule);
      this.model = model;
      this.error = null;
      const i = keep ? this.filtered.findIndex((r) => r.itemId === keep) : -1;
      this.cursor = Math.max(0, i);
      await this.withIntervals(gen, prepared);
    } catch (e) {
      if (gen === this.generation) this.error = e;
    }
  }

  setFilter(f: PanelFilter): void {
    this.filter = f;
    this.cursor = 0;
  }

  move(delta: number): void {
    const n = this.filtered.length;
    if (n === 0) return;
    this.cursor = Math.min(n - 1, Math.max(0, this.cursor + delta));
  }

  select(i: number): void {
    if (i >= 0 && i < this.filtered.length) this.cursor = i;
  }

  /** The item's full record and the members' judgments of it (their texts), read by key. */
  async loadDetail(itemId: string): Promise<void> {
    const members = this.loaded?.members;
    if (!members) return;
    this.detailLoading = itemId;
    try {
      const d = await readItemDetail(await this.repos(), itemId);
      if (this.detailLoading !== itemId) return;
      const order = (j: JudgmentRecord) => (j.order === 'AB' ? 0 : 1) * 1000 + j.sample;
      this.detail = {
        itemId,
        item: d.item,
        byMember: members.map((m) =>
          d.judgments.filter((j) => j.runId === m.runId).sort((a, b) => order(a) - order(b)),
        ),
      };
      this.detailError = null;
    } catch (e) {
      this.detailError = e;
    } finally {
      if (this.detailLoading === itemId) this.detailLoading = null;
    }
  }

  /** Per-item export (each member's result and the panel's) as a file to save. */
  exportItems(format: 'jsonl' | 'csv'): { name: string; blob: Blob } | null {
    if (!this.loaded || !this.model) return null;
    return panelItemsFile(this.stem(), format, this.loaded, this.model, this.source());
  }

  /** The panel's numbers (accuracy, agreement, bias, leave-one-out) as one JSON file. */
  exportSummary(): { name: string; blob: Blob } | null {
    if (!this.loaded || !this.model) return null;
    // The summary carries the intervals: computed here if they have not arrived yet.
    const model = this.model.intervals ? this.model : buildPanelModel(this.loaded, this.rule);
    return panelSummaryFile(this.stem(), this.loaded, model, this.source());
  }

  private stem(): string {
    return fileStem('arbiter-panel', this.loaded?.dataset?.name ?? this.loaded?.datasetId ?? '');
  }

  private source(): string {
    return location.origin + location.pathname;
  }
}
