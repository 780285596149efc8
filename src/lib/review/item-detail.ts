// What the review's item detail reads by key: the item's full record, its judgments in every run, and the meta-judge runs about it.
import type { ItemRecord, JudgmentRecord, Repositories, RunRecord } from '../store';
import { META_PROTOCOL, isMetaSummary, type MetaSummary } from './meta';

/** A meta-judge comparison shown under an item. */
export interface MetaEntry {
  run: RunRecord;
  summary: MetaSummary;
  judgments: JudgmentRecord[];
}

export interface ItemDetail {
  item: ItemRecord | undefined;
  /** The item's judgments in every run but meta-judge ones, oldest first (meta-judge candidates). */
  judgments: JudgmentRecord[];
  /** Meta-judge runs about the item, newest first. */
  metaEntries: MetaEntry[];
}

export async function readItemDetail(repos: Repositories, itemId: string): Promise<ItemDetail> {
  const [all, item] = await Promise.all([repos.judgments.byItem(itemId), repos.items.get(itemId)]);
  const judgments = all
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
    entries.push({ run, summary: run.summary, judgments: all.filter((j) => j.runId === id) });
  }
  return {
    item,
    judgments,
    metaEntries: entries.sort((a, b) => b.run.createdAt - a.run.createdAt),
  };
}
