// Panel review state (#/panel/<a>/<b>/…): the member runs as read, the panel's numbers under the chosen rule, triage filter and cursor, the item's texts.
import type { ItemRecord, JudgmentRecord, Repositories } from '../store';
import { readPanel, type LoadedPanel } from '../review/panel-reads';
import { buildPanelModel, type PanelModel, type PanelRuleChoice } from '../review/panel-model';
import { panelItemsFile, panelSummaryFile } from '../review/panel-export';
import { filterPanelRows, NO_PANEL_FILTER, type PanelFilter } from '../review/panel-filter';
import { readItemDetail } from '../review/item-detail';
import { afterPaint } from '../review/schedule';
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
  /** Recomputing the numbers for a new rule (the previous ones stay in view meanwhile). */
  computing = $state(false);
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

  /** Reads the named runs and computes the panel's numbers; a newer open wins over an older one. */
  async open(params: readonly string[]): Promise<void> {
    const gen = ++this.generation;
    this.key = params.join('/');
    this.loading = true;
    this.error = null;
    this.model = null;
    this.loaded = null;
    this.detail = null;
    this.filter = NO_PANEL_FILTER;
    this.cursor = 0;
    try {
      const loaded = await readPanel(await this.repos(), params, (done, total) => {
        if (gen === this.generation) this.rebuilding = { done, total };
      });
      if (gen !== this.generation) return;
      this.rebuilding = null;
      // Let the "reading" line paint before the numbers take the main thread.
      await afterPaint();
      if (gen !== this.generation) return;
      this.loaded = loaded;
      this.model = buildPanelModel(loaded, this.rule);
    } catch (e) {
      if (gen === this.generation) this.error = e;
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.rebuilding = null;
      }
    }
  }

  /** Another aggregation rule: the numbers and triage are rebuilt from the runs already read. */
  async setRule(rule: PanelRuleChoice): Promise<void> {
    this.rule = rule;
    const loaded = this.loaded;
    if (!loaded) return;
    const gen = ++this.generation;
    this.computing = true;
    try {
      await afterPaint();
      if (gen !== this.generation) return;
      const keep = this.current?.itemId;
      this.model = buildPanelModel(loaded, rule);
      this.error = null;
      const i = keep ? this.filtered.findIndex((r) => r.itemId === keep) : -1;
      this.cursor = Math.max(0, i);
    } catch (e) {
      if (gen === this.generation) this.error = e;
    } finally {
      if (gen === this.generation) this.computing = false;
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
    return panelSummaryFile(this.stem(), this.loaded, this.model, this.source());
  }

  private stem(): string {
    return fileStem('arbiter-panel', this.loaded?.dataset?.name ?? this.loaded?.datasetId ?? '');
  }

  private source(): string {
    return location.origin + location.pathname;
  }
}
