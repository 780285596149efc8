// Workspace files against the store: export everything (or one run) as lines, import idempotently.
import {
  isRowError,
  parseWorkspaceHeader,
  parseWorkspaceLine,
  workspaceHeader,
  workspaceLine,
  type RowError,
  type WorkspaceHeader,
  type WorkspaceKind,
  type WorkspaceRecord,
} from '../data/workspace';
import { readRunSummary, summarizeRun, type RunSummary } from '../data/run-summary';
import { isPairwiseProtocol } from '../judge/outcome';
import type {
  DatasetRecord,
  ItemRecord,
  JudgmentRecord,
  LabelRecord,
  PanelRecord,
  Repositories,
  RunRecord,
} from '../store';

/** Which part of the store to export. */
export interface WorkspaceScope {
  /** Only these runs with their datasets, items, judgments and labels; all when absent. */
  runIds?: string[];
  /** Only these panels with their member runs (and what those need); with runIds, both. */
  panelIds?: string[];
}

/**
 * The workspace file as lines (each ends in "\n"), read from the store in batches: header,
 * datasets, items (dataset order), runs, panels, judgments (oldest first), labels. A scoped
 * export holds the panels named and those whose every member is in it.
 */
export async function* exportWorkspace(
  repos: Repositories,
  source: string,
  scope: WorkspaceScope = {},
  now = new Date(),
): AsyncGenerator<string> {
  yield `${JSON.stringify(workspaceHeader(source, now))}\n`;
  const allPanels = await repos.panels.list();
  const scoped = scope.runIds !== undefined || scope.panelIds !== undefined;
  const runIds = new Set(scope.runIds ?? []);
  for (const p of allPanels)
    if (scope.panelIds?.includes(p.id)) for (const id of p.memberRunIds) runIds.add(id);
  const allRuns = await repos.runs.list();
  const runs = scoped ? allRuns.filter((r) => runIds.has(r.id)) : allRuns;
  const panels: PanelRecord[] = scoped
    ? allPanels.filter(
        (p) => scope.panelIds?.includes(p.id) || p.memberRunIds.every((id) => runIds.has(id)),
      )
    : allPanels;
  const datasetIds = scoped
    ? [...new Set(runs.flatMap((r) => (r.datasetId ? [r.datasetId] : [])))]
    : (await repos.datasets.list()).map((d) => d.id);
  const datasets = (await Promise.all(datasetIds.map((id) => repos.datasets.get(id)))).filter(
    (d): d is DatasetRecord => d !== undefined,
  );
  for (const record of datasets) yield workspaceLine({ kind: 'dataset', record });
  const itemIds = new Set<string>();
  for (const d of datasets) {
    for (let from = 0; ;) {
      const page = await repos.items.byDataset(d.id, { from, limit: 1000 });
      for (const record of page) {
        itemIds.add(record.id);
        yield workspaceLine({ kind: 'item', record });
      }
      if (page.length < 1000) break;
      from = (page[page.length - 1]?.index ?? from) + 1;
    }
  }
  // One-pair runs own their item (no dataset): found through their few judgments.
  const loose: string[] = [];
  for (const run of runs.filter((r) => !r.datasetId)) {
    for (const j of await repos.judgments.byRun(run.id)) {
      if (!itemIds.has(j.itemId)) {
        itemIds.add(j.itemId);
        loose.push(j.itemId);
      }
    }
  }
  for (const record of await repos.items.getMany(loose)) {
    if (record) yield workspaceLine({ kind: 'item', record });
  }
  for (const record of runs) yield workspaceLine({ kind: 'run', record });
  for (const record of panels) yield workspaceLine({ kind: 'panel', record });
  if (scoped) {
    for (const run of runs) {
      for await (const record of repos.judgments.all({ runId: run.id })) {
        yield workspaceLine({ kind: 'judgment', record });
      }
    }
  } else {
    for await (const record of repos.judgments.all()) {
      yield workspaceLine({ kind: 'judgment', record });
    }
  }
  for (const d of datasets) {
    for (const record of await repos.labels.byDataset(d.id)) {
      yield workspaceLine({ kind: 'label', record });
    }
  }
  for (const id of loose) {
    const record = await repos.labels.get(id);
    if (record) yield workspaceLine({ kind: 'label', record });
  }
}

export type KindCounts = Record<WorkspaceKind, number>;

export interface ImportReport {
  header: WorkspaceHeader | null;
  /** Records written. */
  added: KindCounts;
  /** Records already present (same id, or a judgment with the same run and key). */
  skipped: KindCounts;
  errors: RowError[];
  lines: number;
  /** Runs whose summary had an older or unreadable shape, rebuilt from their judgments. */
  summariesRebuilt: number;
}

const zero = (): KindCounts => ({
  dataset: 0,
  item: 0,
  run: 0,
  panel: 0,
  judgment: 0,
  label: 0,
});

/** Records written per transaction. */
const CHUNK = 500;

/**
 * Imports a workspace file (its text, or its lines). Idempotent: records are matched by id (labels
 * by item id) and judgments also by run and key, so importing the same file twice adds nothing; an
 * existing record is never overwritten, except a run or label whose imported copy is newer
 * (updatedAt). A bad line is reported with its number and skipped. Written in chunks, so a failure
 * midway leaves whole chunks, and importing again completes it.
 */
export async function importWorkspace(
  repos: Repositories,
  input: string | Iterable<string>,
  onProgress?: (linesRead: number) => void,
): Promise<ImportReport> {
  const lines = typeof input === 'string' ? input.split(/\r?\n/) : input;
  const report: ImportReport = {
    header: null,
    added: zero(),
    skipped: zero(),
    errors: [],
    lines: 0,
    summariesRebuilt: 0,
  };
  // Runs written with a summary this version cannot read: rebuilt once their judgments are in.
  const stale = new Map<string, RunRecord>();
  let buffer: WorkspaceRecord[] = [];
  let lineNo = 0;
  for (const raw of lines) {
    lineNo += 1;
    const line = raw.replace(/\r$/, '');
    if (lineNo === 1) {
      const h = parseWorkspaceHeader(line);
      if (isRowError(h)) {
        report.errors.push(h);
        return report;
      }
      report.header = h;
      continue;
    }
    if (!line.trim()) continue;
    const rec = parseWorkspaceLine(line, lineNo);
    if (isRowError(rec)) report.errors.push(rec);
    else buffer.push(rec);
    if (buffer.length >= CHUNK) {
      await writeChunk(repos, buffer, report, stale);
      buffer = [];
      onProgress?.(lineNo);
    }
  }
  if (lineNo === 0) report.errors.push({ line: 1, reason: 'The file is empty.' });
  if (buffer.length) await writeChunk(repos, buffer, report, stale);
  for (const run of stale.values()) {
    await repos.runs.put({ ...run, summary: await rebuildSummary(repos, run) });
    report.summariesRebuilt += 1;
  }
  report.lines = lineNo;
  onProgress?.(lineNo);
  return report;
}

function byKind(recs: WorkspaceRecord[], kind: WorkspaceKind): unknown[] {
  return recs.filter((r) => r.kind === kind).map((r) => r.record);
}

/**
 * A run's summary computed again from its stored judgments and items (files from earlier versions,
 * such as the first CLI's, carry another shape). The item count is the old summary's when it has one.
 */
async function rebuildSummary(repos: Repositories, run: RunRecord): Promise<RunSummary> {
  const byItem = new Map<string, JudgmentRecord[]>();
  for (const j of await repos.judgments.byRun(run.id)) {
    const list = byItem.get(j.itemId);
    if (list) list.push(j);
    else byItem.set(j.itemId, [j]);
  }
  const ids = [...byItem.keys()];
  // An item missing from the store still counts as judged, without a label.
  const items = (await repos.items.getMany(ids)).map((item, i) => item ?? { id: ids[i]! });
  const summary = summarizeRun(isPairwiseProtocol(run.config.protocol), items, byItem);
  const before = run.summary?.items;
  if (typeof before === 'number' && Number.isInteger(before) && before >= summary.judgedItems)
    summary.items = before;
  return summary;
}

async function writeChunk(
  repos: Repositories,
  recs: WorkspaceRecord[],
  report: ImportReport,
  stale: Map<string, RunRecord>,
): Promise<void> {
  const count = (kind: WorkspaceKind, added: number, total: number) => {
    report.added[kind] += added;
    report.skipped[kind] += total - added;
  };
  // Kinds in dependency order, so a chunk that fails midway never leaves a judgment without its run.
  const datasets = byKind(recs, 'dataset') as DatasetRecord[];
  const newDatasets: DatasetRecord[] = [];
  for (const d of datasets) if (!(await repos.datasets.get(d.id))) newDatasets.push(d);
  for (const d of newDatasets) await repos.datasets.put(d);
  count('dataset', newDatasets.length, datasets.length);

  const items = byKind(recs, 'item') as ItemRecord[];
  const present = await repos.items.getMany(items.map((i) => i.id));
  const newItems = items.filter((_, i) => present[i] === undefined);
  if (newItems.length) await repos.items.putMany(newItems);
  count('item', newItems.length, items.length);

  const runs = byKind(recs, 'run') as RunRecord[];
  let runsAdded = 0;
  for (const r of runs) {
    const have = await repos.runs.get(r.id);
    if (!have || have.updatedAt < r.updatedAt) {
      await repos.runs.put(r);
      runsAdded += 1;
      if (r.summary !== null && readRunSummary(r.summary) === null) stale.set(r.id, r);
      else stale.delete(r.id);
    }
  }
  count('run', runsAdded, runs.length);

  // After the runs: a panel names its member runs (a newer copy replaces an older one, as runs).
  const panels = byKind(recs, 'panel') as PanelRecord[];
  let panelsAdded = 0;
  for (const p of panels) {
    const have = await repos.panels.get(p.id);
    if (!have || have.updatedAt < p.updatedAt) {
      await repos.panels.put(p);
      panelsAdded += 1;
    }
  }
  count('panel', panelsAdded, panels.length);

  const judgments = byKind(recs, 'judgment') as JudgmentRecord[];
  const ids = await repos.judgments.existingIds(judgments.map((j) => j.id));
  const fresh = judgments.filter((j) => !ids.has(j.id));
  const keyHits = await repos.judgments.existingKeys(fresh.map((j) => j.key));
  const sameWork = new Set<string>();
  for (const key of keyHits) {
    for (const j of await repos.judgments.byKey(key)) sameWork.add(`${j.runId}/${j.key}`);
  }
  const seen = new Set<string>();
  const newJudgments = fresh.filter((j) => {
    const k = `${j.runId}/${j.key}`;
    if (sameWork.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (newJudgments.length) await repos.judgments.putMany(newJudgments);
  count('judgment', newJudgments.length, judgments.length);

  const labels = byKind(recs, 'label') as LabelRecord[];
  let labelsAdded = 0;
  for (const l of labels) {
    const have = await repos.labels.get(l.itemId);
    if (!have || have.updatedAt < l.updatedAt) {
      await repos.labels.put(l);
      labelsAdded += 1;
    }
  }
  count('label', labelsAdded, labels.length);
}
