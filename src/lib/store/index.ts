// The store's public surface: open the database, get the repositories, and the record and error types.
import type { IDBPDatabase } from 'idb';
import { DatasetStore } from './datasets';
import { ItemFactsCache } from './digest-keys';
import { ItemStore } from './items';
import { JudgmentStore } from './judgments';
import { LabelStore } from './labels';
import { PanelStore } from './panels';
import { RunStore } from './runs';
import type { ArbiterDB } from './schema';

export * from './schema';
export * from './errors';
export { openArbiterDB } from './db';
export type { ArbiterDatabase, OpenArbiterOptions } from './db';
export { judgmentKey, canonicalJson, sha256Hex, KEY_SCHEME } from './key';
export type { JudgmentKeyInput, KeyParams, KeyItemContent, JsonValue } from './key';
export { newId } from './tx';
export { DatasetStore, ItemStore, JudgmentStore, LabelStore, PanelStore, RunStore };
export type {
  HistoryCursor,
  HistoryEntry,
  HistoryPage,
  HistoryQuery,
  StreamOptions,
} from './judgments';
export type { ItemPageOptions } from './items';
export type { RunPatch } from './runs';

/** All repositories over one open database. */
export interface Repositories {
  datasets: DatasetStore;
  items: ItemStore;
  runs: RunStore;
  judgments: JudgmentStore;
  labels: LabelStore;
  panels: PanelStore;
}

/** Creates the repositories over `db` (from openArbiterDB). Cheap; holds no state but `db`. */
export function createRepositories(db: IDBPDatabase<ArbiterDB>): Repositories {
  const facts = new ItemFactsCache();
  return {
    datasets: new DatasetStore(db, facts),
    items: new ItemStore(db, facts),
    runs: new RunStore(db),
    judgments: new JudgmentStore(db, facts),
    labels: new LabelStore(db),
    panels: new PanelStore(db),
  };
}
