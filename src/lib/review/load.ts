// Reads one run for review through the repositories: the run, its review digest (facts, no texts) and labels.
import type { Repositories } from '../store';
import {
  COMPACT_AFTER,
  DigestStore,
  type DigestProgress,
  type JudgmentTable,
} from '../store/digest-read';
import type {
  DatasetRecord,
  ItemFacts,
  JudgmentFacts,
  LabelRecord,
  RunRecord,
} from '../store/schema';
import { itemFacts } from '../store/digests';

/** A run's facts, read once; review rows are rebuilt from them when labels or the gold source change. */
export interface LoadedRun {
  run: RunRecord | undefined;
  dataset: DatasetRecord | undefined;
  /** The judgments' facts from the run's digest by column (texts are read on demand by id). */
  table: JudgmentTable;
  /** The same as objects, built on first use. */
  readonly judgments: JudgmentFacts[];
  /** Facts of the judged items (prompts and answers are read on demand by id). */
  items: ItemFacts[];
  /** The same by id (and maybe a few more: the digest's items of judgments since replaced). */
  itemsById: ReadonlyMap<string, ItemFacts>;
  /** Your labels by item id; updated in place as you label. */
  labels: Map<string, LabelRecord>;
  /** Whether the digest was read from many small chunks (worth a `compactRun` once painted). */
  fragmented: boolean;
}

/**
 * Rewrites the run's digest into a few large chunks so the next open reads a handful of records.
 * Off the first-render path: callers run it after the numbers are painted. Failure is harmless
 * (the digest stays as it was), so it resolves false instead of rejecting.
 */
export async function compactRun(repos: Repositories, runId: string): Promise<boolean> {
  try {
    return await new DigestStore(repos.judgments.database).compact(runId);
  } catch {
    return false;
  }
}

/**
 * The run's facts, or null when neither the run nor any judgment of it exists. Reads the run's
 * review digest; a missing or stale digest is rebuilt first (reported through `onRebuild`).
 */
export async function readRun(
  repos: Repositories,
  runId: string,
  onRebuild?: DigestProgress,
): Promise<LoadedRun | null> {
  // The digest does not wait for the run: separate readonly transactions overlap.
  const reading = new DigestStore(repos.judgments.database).get(runId, onRebuild);
  const run = await repos.runs.get(runId);
  const datasetId = run?.datasetId;
  // With the run known, the dataset's labels and record are read while the digest still is.
  const [digest, datasetLabels, dataset] = await Promise.all([
    reading,
    datasetId ? repos.labels.byDataset(datasetId) : Promise.resolve(null),
    datasetId ? repos.datasets.get(datasetId) : Promise.resolve(undefined),
  ]);
  if (!run && digest.table.length === 0) return null;
  const ids = [...new Set(digest.table.itemId)];
  const items: ItemFacts[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const f = digest.items.get(id);
    if (f) items.push(f);
    else missing.push(id);
  }
  // An item stored after its judgments (e.g. an import's order) is not in the digest: read it.
  let itemsById = digest.items;
  if (missing.length > 0) {
    itemsById = new Map(itemsById);
    for (const it of await repos.items.getMany(missing))
      if (it) {
        const f = itemFacts(it);
        items.push(f);
        itemsById.set(f.id, f);
      }
  }
  const labels =
    datasetLabels ??
    (await Promise.all(ids.map((id) => repos.labels.get(id)))).filter(
      (l): l is LabelRecord => l !== undefined,
    );
  return {
    run,
    dataset,
    table: digest.table,
    get judgments() {
      return digest.judgments;
    },
    items,
    itemsById,
    labels: new Map(labels.map((l) => [l.itemId, l])),
    fragmented: digest.chunks > COMPACT_AFTER,
  };
}
