// Repository of items: the pairs (or single answers) a dataset holds, and the lone pair of a one-pair run.
import { unwrap, type IDBPDatabase } from 'idb';
import type { ArbiterDB, ItemRecord } from './schema';
import { inTx, requests } from './tx';
import { ItemFactsCache } from './digest-keys';

/** Options of `byDataset`. */
export interface ItemPageOptions {
  /** First item index to return (default 0). */
  from?: number;
  /** At most this many (default: all). */
  limit?: number;
}

/** Items. Every method is one transaction and rejects with a StoreError. */
export class ItemStore {
  /**
   * @param db an open database from openArbiterDB.
   * @param facts shared with the JudgmentStore: items read here need not be read again when
   *   their judgments are written (review digests).
   */
  constructor(
    private readonly db: IDBPDatabase<ArbiterDB>,
    private readonly facts = new ItemFactsCache(),
  ) {}

  /** Saves (or replaces, by id) one item, e.g. the pair of the "One pair" journey (no datasetId). */
  async put(item: ItemRecord): Promise<void> {
    this.facts.forget([item.id]);
    await inTx(this.db, ['items'], 'readwrite', (tx) => tx.objectStore('items').put(item));
    this.facts.note([item]);
  }

  /** Saves many items in one transaction: all are written or none. Prefer DatasetStore.import for imports. */
  async putMany(items: readonly ItemRecord[], options?: IDBTransactionOptions): Promise<void> {
    this.facts.forget(items.map((i) => i.id));
    await inTx(
      this.db,
      ['items'],
      'readwrite',
      // async, so a put that throws (an uncloneable value) rejects here and aborts the batch.
      async (tx) => {
        // Plain requests, as JudgmentStore.putMany writes: a failed put aborts the transaction and
        // surfaces through tx.done; a promise per request cost more renderer time than the puts.
        const store = unwrap(tx.objectStore('items'));
        for (const item of items) store.put(item);
      },
      options,
    );
  }

  /** The item with this id, or undefined. */
  async get(id: string): Promise<ItemRecord | undefined> {
    const item = await inTx(this.db, ['items'], 'readonly', (tx) =>
      tx.objectStore('items').get(id),
    );
    this.facts.note([item]);
    return item;
  }

  /** The items with these ids, in the same order (undefined where missing). */
  async getMany(ids: readonly string[]): Promise<(ItemRecord | undefined)[]> {
    const items = await inTx(this.db, ['items'], 'readonly', (tx) =>
      requests(ids, (id) => tx.objectStore('items').get(id)),
    );
    this.facts.note(items);
    return items;
  }

  /** A dataset's items in dataset order, optionally a page of them. */
  async byDataset(datasetId: string, opts: ItemPageOptions = {}): Promise<ItemRecord[]> {
    const range = IDBKeyRange.bound([datasetId, opts.from ?? 0], [datasetId, Infinity]);
    const items = await inTx(this.db, ['items'], 'readonly', (tx) =>
      tx.objectStore('items').index('by-dataset').getAll(range, opts.limit),
    );
    this.facts.note(items);
    return items;
  }

  /** How many items a dataset holds. */
  async countInDataset(datasetId: string): Promise<number> {
    const range = IDBKeyRange.bound([datasetId, -Infinity], [datasetId, Infinity]);
    return inTx(this.db, ['items'], 'readonly', (tx) =>
      tx.objectStore('items').index('by-dataset').count(range),
    );
  }

  /**
   * Every distinct datasetId among the items, in order: one cursor step per dataset (it jumps
   * past each dataset's items), however many items there are.
   */
  async datasetIds(): Promise<string[]> {
    return inTx(this.db, ['items'], 'readonly', async (tx) => {
      const ids: string[] = [];
      let cursor = await tx.objectStore('items').index('by-dataset').openKeyCursor();
      while (cursor) {
        const id = cursor.key[0];
        ids.push(id);
        // Arrays sort after numbers: [id, []] is past every [id, index].
        cursor = await cursor.continue([id, [] as unknown as number]);
      }
      return ids;
    });
  }

  /** Deletes one item and its label; its judgments stay (history keeps their text and key). */
  async delete(id: string): Promise<void> {
    this.facts.forget([id]);
    await inTx(this.db, ['items', 'labels'], 'readwrite', async (tx) => {
      await Promise.all([tx.objectStore('items').delete(id), tx.objectStore('labels').delete(id)]);
    });
  }
}
