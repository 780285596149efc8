// History as state: judgments newest first grouped into the pairs they judged, search, reopen, delete, export.
import type { HistoryCursor, ItemRecord, JudgmentRecord, RunRecord } from '../store';
import { fromRecords, type PairVerdict } from '../review/records';
import { isBatchRun, loadOlder, type HistoryRow, type RunFacts } from '../review/history';
import type { StorageState } from './storage.svelte';
import { downloadBlob } from '../ui/download';

export type { HistoryRow } from '../review/history';

export interface HistoryDetail {
  run: RunRecord | undefined;
  item: ItemRecord | undefined;
  records: JudgmentRecord[];
  verdict: PairVerdict;
}

const PAGE = 60;

export class HistoryState {
  query = $state('');
  rows = $state.raw<HistoryRow[]>([]);
  loading = $state(false);
  /** More (older) judgments exist beyond what is listed. */
  hasMore = $state(false);
  error = $state<unknown>(null);
  detail = $state.raw<HistoryDetail | null>(null);
  detailMissing = $state(false);
  /** The opened id is a batch run's: the page links to the run instead of showing a pair. */
  detailRun = $state.raw<RunRecord | null>(null);
  exporting = $state(false);
  private next: HistoryCursor | null = null;
  // A cache of run records for the loader, not something a view reads.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private facts = new Map<string, RunFacts>();
  private generation = 0;
  private readonly storage: StorageState;

  constructor(storage: StorageState) {
    this.storage = storage;
  }

  /** Reload from the newest judgment with the current query. */
  async refresh(): Promise<void> {
    this.next = null;
    this.rows = [];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.facts = new Map();
    await this.more();
  }

  /** Load the next (older) page and merge it into the rows. */
  async more(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const repos = await this.storage.repositories();
      const stale = () => generation !== this.generation;
      const load = await loadOlder(repos, {
        rows: this.rows,
        before: this.next,
        query: this.query,
        limit: PAGE,
        facts: this.facts,
        stale,
      });
      // A newer search replaced this one while it ran: its answer is stale.
      if (stale()) return;
      this.next = load.next;
      this.hasMore = load.next !== null;
      this.rows = load.rows;
      this.error = null;
    } catch (e) {
      if (generation === this.generation) this.error = e;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  async open(runId: string): Promise<void> {
    this.detail = null;
    this.detailMissing = false;
    this.detailRun = null;
    try {
      const repos = await this.storage.repositories();
      const [run, records] = await Promise.all([
        repos.runs.get(runId),
        repos.judgments.byRun(runId),
      ]);
      if (records.length === 0 && !run) {
        this.detailMissing = true;
        return;
      }
      if (isBatchRun(run, records)) {
        this.detailRun = run ?? null;
        if (!run) this.detailMissing = true;
        return;
      }
      const itemId = records[0]?.itemId;
      const item = itemId ? await repos.items.get(itemId) : undefined;
      this.detail = { run, item, records, verdict: fromRecords(records) };
    } catch (e) {
      this.error = e;
    }
  }

  /** Delete a judged pair: its run, judgments and item. Batch runs are deleted from their own page. */
  async remove(runId: string): Promise<void> {
    try {
      const repos = await this.storage.repositories();
      await repos.runs.delete(runId);
      this.rows = this.rows.filter((r) => r.runId !== runId);
      if (this.detail?.records[0]?.runId === runId) this.detail = null;
    } catch (e) {
      this.error = e;
    }
  }

  /** Export every stored judgment with its item, and hand the file to the browser. */
  async exportAll(format: 'jsonl' | 'csv'): Promise<void> {
    this.exporting = true;
    try {
      // The export code loads only when someone exports.
      const { exportFileName, exportJudgmentsBlob } = await import('../data/export');
      const repos = await this.storage.repositories();
      const blob = await exportJudgmentsBlob(repos.judgments.allWithItems(), format, {
        source: location.origin + location.pathname,
        bom: format === 'csv',
        labelOf: async (itemId) => (await repos.labels.get(itemId))?.label,
      });
      downloadBlob(blob, exportFileName(format));
    } catch (e) {
      this.error = e;
    } finally {
      this.exporting = false;
    }
  }
}
