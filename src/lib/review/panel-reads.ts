// Reads the member runs of a panel review (`#/panel/<a>/<b>/…`): each run's review rows, checked to be runs of one dataset.
import type { DatasetRecord, Repositories, RunRecord } from '../store';
import type { DigestProgress } from '../store/digest-read';
import { readRun } from './load';
import { buildRowsFromTable, type ReviewRow } from './rows';

/** One member of the panel as read: its run record and one review row per judged item. */
export interface PanelMemberRows {
  runId: string;
  run: RunRecord;
  /** The judge model, as the panel review names the member. */
  modelId: string;
  rows: ReviewRow[];
}

export interface LoadedPanel {
  members: PanelMemberRows[];
  /** Member runs whose digest is in many small chunks (worth compacting once painted). */
  fragmented: string[];
  dataset: DatasetRecord | undefined;
  datasetId: string;
}

/** Why a set of run ids cannot be reviewed as a panel; the view says it and what to do. */
export class PanelRunsError extends Error {
  override readonly name = 'PanelRunsError';
  constructor(
    message: string,
    /** Run ids not found in this browser's storage. */
    readonly missing: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * The ids a panel route names, in order, each once. A repeated id would count one judge twice
 * in every vote, so it is dropped rather than reviewed.
 */
export function panelRunIds(params: readonly string[]): string[] {
  return params.filter((id, i) => id !== '' && params.indexOf(id) === i);
}

/**
 * Reads each member run's rows (labels from the dataset; a stale digest is rebuilt through
 * `onRebuild`). Rejects with PanelRunsError when fewer than two runs are named, a run is not
 * stored, a run has no dataset (a single judged pair), or the runs judged different datasets.
 */
export async function readPanel(
  repos: Repositories,
  params: readonly string[],
  onRebuild?: DigestProgress,
): Promise<LoadedPanel> {
  const ids = panelRunIds(params);
  if (ids.length < 2)
    throw new PanelRunsError(
      'A panel needs two or more different runs. Pick them under "Review as a panel" on the Review page.',
    );
  // Side by side: separate readonly transactions overlap, so three runs read in about one's time.
  const loaded = await Promise.all(
    ids.map(async (id) => ({ id, l: await readRun(repos, id, onRebuild) })),
  );
  const missing = loaded.filter((x) => !x.l?.run).map((x) => x.id);
  if (missing.length > 0)
    throw new PanelRunsError(
      `${missing.length === 1 ? 'A run' : 'Runs'} of this panel ${missing.length === 1 ? 'is' : 'are'} not in this browser's storage (${missing.join(', ')}): deleted, or saved in another browser. Import its workspace file, or pick other runs.`,
      missing,
    );
  const datasets = new Set(loaded.map((x) => x.l?.run?.datasetId));
  const datasetId = loaded[0]?.l?.run?.datasetId;
  if (datasetId === undefined || datasets.has(undefined))
    throw new PanelRunsError(
      'A panel is made of batch runs over a dataset; one of these runs judged a single pair. Pick runs from the Runs page.',
    );
  if (datasets.size > 1)
    throw new PanelRunsError(
      'These runs judged different datasets, so their members have no item in common. Pick runs of one dataset.',
    );
  const members: PanelMemberRows[] = loaded.map(({ id, l }) => {
    const run = l!.run!;
    return {
      runId: id,
      run,
      modelId: run.config.modelId,
      rows: buildRowsFromTable({
        run,
        table: l!.table,
        items: l!.itemsById,
        labels: [...l!.labels.values()],
      }),
    };
  });
  return {
    members,
    fragmented: loaded.filter((x) => x.l?.fragmented).map((x) => x.id),
    dataset: loaded[0]?.l?.dataset,
    datasetId,
  };
}

/** The panel review's address for these run ids, in member order. */
export function panelHref(runIds: readonly string[]): string {
  return `#/panel/${runIds.map(encodeURIComponent).join('/')}`;
}

/**
 * The member runs of the panel a run belongs to (`panelId`, set by panel runs), oldest first, from
 * the runs listed; empty when the run is in no panel or its panel has no other member here. Runs
 * stored before panels existed have no `panelId`.
 */
export function panelMembersOf(
  run: RunRecord | undefined,
  runs: readonly RunRecord[],
): RunRecord[] {
  const panelId = panelIdOf(run);
  if (!run || panelId === undefined) return [];
  const members = runs
    .filter((r) => panelIdOf(r) === panelId && r.datasetId === run.datasetId)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return members.length >= 2 ? members : [];
}

function panelIdOf(run: RunRecord | undefined): string | undefined {
  const id = (run as { panelId?: unknown } | undefined)?.panelId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
