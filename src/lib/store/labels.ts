// Repository of human labels and notes on items (overrides of the dataset's own label).
import type { IDBPDatabase } from 'idb';
import type { ArbiterDB, ItemLabel, LabelRecord } from './schema';
import { inTx } from './tx';

/** Labels, keyed by itemId. Every method is one transaction and rejects with a StoreError. */
export class LabelStore {
  /** @param db an open database from openArbiterDB. */
  constructor(private readonly db: IDBPDatabase<ArbiterDB>) {}

  /**
   * Sets the label and note of an item (replacing any earlier one) and stamps `updatedAt`.
   * `datasetId` is copied from the item in the same transaction.
   */
  async set(
    itemId: string,
    label: ItemLabel | null,
    note = '',
    now = Date.now(),
  ): Promise<LabelRecord> {
    return inTx(this.db, ['labels', 'items'], 'readwrite', async (tx) => {
      const item = await tx.objectStore('items').get(itemId);
      const record: LabelRecord = { itemId, label, note, updatedAt: now };
      if (item?.datasetId !== undefined) record.datasetId = item.datasetId;
      await tx.objectStore('labels').put(record);
      return record;
    });
  }

  /** Saves a label record exactly as given (workspace import); `set` is for edits. */
  async put(record: LabelRecord): Promise<void> {
    await inTx(this.db, ['labels'], 'readwrite', (tx) => tx.objectStore('labels').put(record));
  }

  /** The label of an item, or undefined. */
  async get(itemId: string): Promise<LabelRecord | undefined> {
    return inTx(this.db, ['labels'], 'readonly', (tx) => tx.objectStore('labels').get(itemId));
  }

  /** All labels on a dataset's items. */
  async byDataset(datasetId: string): Promise<LabelRecord[]> {
    return inTx(this.db, ['labels'], 'readonly', (tx) =>
      tx.objectStore('labels').index('by-dataset').getAll(datasetId),
    );
  }

  /** Removes an item's label and note. */
  async delete(itemId: string): Promise<void> {
    await inTx(this.db, ['labels'], 'readwrite', (tx) => tx.objectStore('labels').delete(itemId));
  }
}
