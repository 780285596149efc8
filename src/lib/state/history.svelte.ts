// History as state: judgments newest first grouped into the pairs they judged, search, reopen, delete, export.
import type { HistoryCursor, ItemRecord, JudgmentRecord, RunRecord } from '../store';
import { fromRecords, type PairVerdict } from '../run/records';
import type { StorageState } from './storage.svelte';
import { downloadBlob } from '../ui/download';

/** One row of the history list: a run (one pair judged in one or both orders). */
export interface HistoryRow {
  runId: string;
  item: ItemRecord | undefined;
  records: JudgmentRecord[];
  createdAt: number;
  verdict: PairVerdict;
}

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
  exporting = $state(false);
  private next: HistoryCursor | null = null;
  private generation = 0;
  private readonly storage: StorageState;

  constructor(storage: StorageState) {
    this.storage = storage;
  }

  /** Reload from the newest judgment with the current query. */
  async refresh(): Promise<void> {
    this.next = null;
    this.rows = [];
    await this.more();
  }

  /** Load the next (older) page and merge it into the rows. */
  async more(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const repos = await this.storage.repositories();
      const page = await repos.judgments.newest({
        limit: PAGE,
        before: this.next,
        query: this.query,
      });
      // A newer search replaced this one while it ran: its answer is stale.
      if (generation !== this.generation) return;
      this.next = page.next;
      this.hasMore = page.next !== null;
      this.rows = mergeRows(this.rows, page.entries);
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
      const itemId = records[0]?.itemId;
      const item = itemId ? await repos.items.get(itemId) : undefined;
      this.detail = { run, item, records, verdict: fromRecords(records) };
    } catch (e) {
      this.error = e;
    }
  }

  /** Delete a judged pair: its run, judgments and item. */
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

function mergeRows(
  rows: HistoryRow[],
  entries: { judgment: JudgmentRecord; item: ItemRecord | undefined }[],
): HistoryRow[] {
  // A local working map inside a pure function, not reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const byRun = new Map(rows.map((r) => [r.runId, { ...r, records: [...r.records] }]));
  for (const { judgment, item } of entries) {
    const row = byRun.get(judgment.runId);
    if (row) {
      if (!row.records.some((r) => r.id === judgment.id)) row.records.push(judgment);
    } else {
      byRun.set(judgment.runId, {
        runId: judgment.runId,
        item,
        records: [judgment],
        createdAt: judgment.createdAt,
        verdict: fromRecords([judgment]),
      });
    }
  }
  return [...byRun.values()]
    .map((r) => ({
      ...r,
      createdAt: Math.max(...r.records.map((x) => x.createdAt)),
      verdict: fromRecords(r.records),
    }))
    .sort((a, b) => b.createdAt - a.createdAt);
}
