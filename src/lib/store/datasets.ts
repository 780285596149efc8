// Repository of datasets: atomic import with their items, listing, and deletion of all that hangs off one.
import type { IDBPDatabase } from 'idb';
import type { ArbiterDB, DatasetRecord, ItemRecord } from './schema';
import { inTx, requests } from './tx';
import { digestRange, ItemFactsCache } from './digest-keys';

// Arrays sort after every string and number, so [x, []] bounds all keys that start with x.
const AFTER_ALL: never[] = [];

/** Datasets. Every method is one transaction and rejects with a StoreError. */
export class DatasetStore {
  /** @param db an open database from openArbiterDB. */
  /** @param facts item facts shared with the other repositories (review digests); kept coherent here. */
  constructor(
    private readonly db: IDBPDatabase<ArbiterDB>,
    private readonly facts = new ItemFactsCache(),
  ) {}

  /**
   * Saves a dataset with its items in one transaction: a failed import (e.g. quota) leaves no
   * half-imported dataset. Sets `itemCount` and each item's `datasetId` from the arguments.
   */
  async import(dataset: DatasetRecord, items: readonly ItemRecord[]): Promise<DatasetRecord> {
    this.facts.forget(items.map((i) => i.id));
    const saved: DatasetRecord = { ...dataset, itemCount: items.length };
    await inTx(this.db, ['datasets', 'items'], 'readwrite', async (tx) => {
      const store = tx.objectStore('items');
      await tx.objectStore('datasets').put(saved);
      await requests(items, (item) => store.put({ ...item, datasetId: dataset.id }));
    });
    return saved;
  }

  /** Saves (or replaces) the dataset record alone, e.g. after a rename. */
  async put(dataset: DatasetRecord): Promise<void> {
    await inTx(this.db, ['datasets'], 'readwrite', (tx) => tx.objectStore('datasets').put(dataset));
  }

  /** The dataset with this id, or undefined. */
  async get(id: string): Promise<DatasetRecord | undefined> {
    return inTx(this.db, ['datasets'], 'readonly', (tx) => tx.objectStore('datasets').get(id));
  }

  /** All datasets, newest first. */
  async list(): Promise<DatasetRecord[]> {
    const all = await inTx(this.db, ['datasets'], 'readonly', (tx) =>
      tx.objectStore('datasets').index('by-createdAt').getAll(),
    );
    return all.reverse();
  }

  /**
   * Deletes a dataset and everything that hangs off it, in one transaction: its items, their
   * labels, its runs and their judgments, its panels. The UI must confirm first (offer an export).
   */
  async delete(id: string): Promise<void> {
    this.facts.forget();
    await inTx(
      this.db,
      ['datasets', 'items', 'labels', 'runs', 'judgments', 'digests', 'panels'],
      'readwrite',
      async (tx) => {
        const items = tx.objectStore('items');
        const labels = tx.objectStore('labels');
        const runs = tx.objectStore('runs');
        const judgments = tx.objectStore('judgments').index('by-run');
        // Read every key first, then delete: no request is left pending while another is awaited.
        const itemIds = await items
          .index('by-dataset')
          .getAllKeys(IDBKeyRange.bound([id, -Infinity], [id, Infinity]));
        const runIds = await runs.index('by-dataset').getAllKeys(id);
        const panelIds = await tx.objectStore('panels').index('by-dataset').getAllKeys(id);
        const judgmentIds = (
          await requests(runIds, (runId) =>
            judgments.getAllKeys(IDBKeyRange.bound([runId], [runId, AFTER_ALL])),
          )
        ).flat();
        await tx.objectStore('datasets').delete(id);
        await requests(itemIds, (itemId) =>
          Promise.all([items.delete(itemId), labels.delete(itemId)]),
        );
        await requests(runIds, (runId) =>
          Promise.all([runs.delete(runId), tx.objectStore('digests').delete(digestRange(runId))]),
        );
        await requests(judgmentIds, (key) => tx.objectStore('judgments').delete(key));
        await requests(panelIds, (panelId) => tx.objectStore('panels').delete(panelId));
      },
    );
  }
}
