// History rows: stored judgments newest first, grouped into pairs judged on the Judge page and one row per batch run.
import type { HistoryCursor, HistoryPage, HistoryQuery } from '../store/judgments';
import type { ItemRecord, JudgmentRecord, RunRecord } from '../store/schema';
import { fromRecords, type PairVerdict } from './records';

/** A pair judged on the Judge page (or a meta-judge comparison): one item, one or both orders. */
export interface PairRow {
  kind: 'pair';
  runId: string;
  item: ItemRecord | undefined;
  records: JudgmentRecord[];
  createdAt: number;
  verdict: PairVerdict;
}

/** A batch run over a dataset: one row that links to the run, never opened as a pair. */
export interface RunRow {
  kind: 'run';
  runId: string;
  run: RunRecord | undefined;
  /** Name of the run's dataset, when it is still stored. */
  datasetName: string | undefined;
  /** Judgments of the run listed so far (the run's own progress says how many it has). */
  listed: number;
  createdAt: number;
}

export type HistoryRow = PairRow | RunRow;

/**
 * Whether these records belong to a batch run rather than a judged pair. A run over a dataset is
 * one; so is any run whose judgments name more than one item (a run record may be gone).
 */
export function isBatchRun(
  run: RunRecord | undefined,
  records: readonly JudgmentRecord[],
): boolean {
  if (run?.datasetId !== undefined || run?.spec !== undefined) return true;
  return new Set(records.map((r) => r.itemId)).size > 1;
}

/** What the merge knows of each run: its record and its dataset's name. */
export interface RunFacts {
  run: RunRecord | undefined;
  datasetName: string | undefined;
}

/**
 * Merges a page of history entries into the rows listed so far: a run's judgments join its row
 * wherever they come in the scan, rows sort newest first by their newest judgment.
 */
export function mergeHistoryRows(
  rows: readonly HistoryRow[],
  entries: readonly { judgment: JudgmentRecord; item: ItemRecord | undefined }[],
  facts: ReadonlyMap<string, RunFacts>,
): HistoryRow[] {
  const records = new Map<string, JudgmentRecord[]>();
  const items = new Map<string, ItemRecord | undefined>();
  const listed = new Map<string, number>();
  const newest = new Map<string, number>();
  const seen = new Set<string>();
  for (const row of rows) {
    newest.set(row.runId, row.createdAt);
    if (row.kind === 'pair') {
      records.set(row.runId, [...row.records]);
      items.set(row.runId, row.item);
      for (const r of row.records) seen.add(r.id);
    } else {
      records.set(row.runId, []);
      listed.set(row.runId, row.listed);
    }
  }
  for (const { judgment, item } of entries) {
    if (seen.has(judgment.id)) continue;
    seen.add(judgment.id);
    const id = judgment.runId;
    const list = records.get(id) ?? [];
    list.push(judgment);
    records.set(id, list);
    if (!items.has(id)) items.set(id, item);
    listed.set(id, (listed.get(id) ?? 0) + 1);
    newest.set(id, Math.max(newest.get(id) ?? -Infinity, judgment.createdAt));
  }
  const out: HistoryRow[] = [];
  for (const [runId, list] of records) {
    const known = facts.get(runId);
    const wasRun = rows.some((r) => r.runId === runId && r.kind === 'run');
    const createdAt = newest.get(runId) ?? 0;
    if (wasRun || isBatchRun(known?.run, list)) {
      out.push({
        kind: 'run',
        runId,
        run: known?.run,
        datasetName: known?.datasetName,
        listed: listed.get(runId) ?? list.length,
        createdAt,
      });
    } else {
      out.push({
        kind: 'pair',
        runId,
        item: items.get(runId),
        records: list,
        createdAt,
        verdict: fromRecords(list),
      });
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : -1));
}

/** The storage calls the history list needs (a subset of the repositories). */
export interface HistorySource {
  judgments: { newest(q: HistoryQuery): Promise<HistoryPage> };
  runs: { get(id: string): Promise<RunRecord | undefined> };
  datasets: { get(id: string): Promise<{ name: string } | undefined> };
}

/** The rows after one "Load older", and where the next one starts (null at the oldest judgment). */
export interface HistoryLoad {
  rows: HistoryRow[];
  next: HistoryCursor | null;
}

/**
 * Reads older judgments until the list gains a row or the scan reaches the oldest judgment. A
 * batch run's hundreds of judgments fill whole pages; stopping after one such page would add no
 * row, and the older runs and pairs would stay out of sight behind a "Load older" that does nothing.
 */
export async function loadOlder(
  source: HistorySource,
  opts: {
    rows: readonly HistoryRow[];
    before: HistoryCursor | null;
    query: string;
    limit: number;
    facts: Map<string, RunFacts>;
    /** True when a newer load replaced this one: stop reading. */
    stale?: () => boolean;
  },
): Promise<HistoryLoad> {
  let rows = [...opts.rows];
  let before = opts.before;
  for (;;) {
    const page = await source.judgments.newest({ limit: opts.limit, before, query: opts.query });
    if (opts.stale?.()) return { rows, next: before };
    const unknown = [...new Set(page.entries.map((e) => e.judgment.runId))].filter(
      (id) => !opts.facts.has(id),
    );
    const runs = await Promise.all(unknown.map((id) => source.runs.get(id)));
    const names = await Promise.all(
      runs.map((r) => (r?.datasetId ? source.datasets.get(r.datasetId) : undefined)),
    );
    unknown.forEach((id, i) => opts.facts.set(id, { run: runs[i], datasetName: names[i]?.name }));
    const merged = mergeHistoryRows(rows, page.entries, opts.facts);
    const grew = merged.length > rows.length;
    rows = merged;
    before = page.next;
    if (grew || before === null || opts.stale?.()) return { rows, next: before };
  }
}
