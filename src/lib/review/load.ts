// Reads one run's records for review through the repositories: the run, its judgments, their items and labels.
import type { Repositories } from '../store';
import type {
  DatasetRecord,
  ItemRecord,
  JudgmentRecord,
  LabelRecord,
  RunRecord,
} from '../store/schema';

/** A run's records, read once; review rows are rebuilt from them when labels or the gold source change. */
export interface LoadedRun {
  run: RunRecord | undefined;
  dataset: DatasetRecord | undefined;
  judgments: JudgmentRecord[];
  items: (ItemRecord | undefined)[];
  /** Your labels by item id; updated in place as you label. */
  labels: Map<string, LabelRecord>;
}

/** The run's records, or null when neither the run nor any judgment of it exists. */
export async function readRun(repos: Repositories, runId: string): Promise<LoadedRun | null> {
  const run = await repos.runs.get(runId);
  const datasetId = run?.datasetId;
  // With the run known, every other read starts at once (separate readonly transactions overlap).
  const [judgments, datasetItems, datasetLabels, dataset] = await Promise.all([
    repos.judgments.byRun(runId),
    datasetId ? repos.items.byDataset(datasetId) : Promise.resolve(null),
    datasetId ? repos.labels.byDataset(datasetId) : Promise.resolve(null),
    datasetId ? repos.datasets.get(datasetId) : Promise.resolve(undefined),
  ]);
  if (!run && judgments.length === 0) return null;
  const ids = [...new Set(judgments.map((j) => j.itemId))];
  let items: (ItemRecord | undefined)[];
  let labels: LabelRecord[];
  if (datasetItems && datasetLabels) {
    // One range read beats 10,000 gets; a run's items are all in its dataset.
    const wanted = new Set(ids);
    const inSet = datasetItems.filter((it) => wanted.has(it.id));
    items = inSet;
    if (inSet.length < ids.length) {
      const have = new Set(inSet.map((i) => i.id));
      const rest = await repos.items.getMany(ids.filter((id) => !have.has(id)));
      items = [...inSet, ...rest];
    }
    labels = datasetLabels;
  } else {
    items = await repos.items.getMany(ids);
    labels = (await Promise.all(ids.map((id) => repos.labels.get(id)))).filter(
      (l): l is LabelRecord => l !== undefined,
    );
  }
  return { run, dataset, judgments, items, labels: new Map(labels.map((l) => [l.itemId, l])) };
}
