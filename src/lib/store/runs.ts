// Repository of runs: create, update progress and status, list newest first, find resumable runs, delete.
import type { IDBPDatabase } from 'idb';
import { StoreError } from './errors';
import type { ArbiterDB, RunRecord, RunStatus } from './schema';
import { inTx, requests } from './tx';
import { digestRange } from './digest-keys';

// Arrays sort after every string and number, so [x, []] bounds all keys that start with x.
const AFTER_ALL: never[] = [];

/** The fields of a run that may change after it is created. */
export type RunPatch = Partial<
  Pick<RunRecord, 'status' | 'progress' | 'summary' | 'name' | 'failures' | 'error'>
>;

/** Runs. Every method is one transaction and rejects with a StoreError. */
export class RunStore {
  /** @param db an open database from openArbiterDB. */
  constructor(private readonly db: IDBPDatabase<ArbiterDB>) {}

  /** Saves (or replaces, by id) a run. A one-pair run has no datasetId. */
  async put(run: RunRecord): Promise<void> {
    await inTx(this.db, ['runs'], 'readwrite', (tx) => tx.objectStore('runs').put(run));
  }

  /**
   * Changes some fields of a run (read and write in one transaction, so concurrent updates of
   * other fields are not lost) and sets `updatedAt`. Rejects with StoreError if there is no such run.
   */
  async update(id: string, patch: RunPatch, now = Date.now()): Promise<RunRecord> {
    return inTx(this.db, ['runs'], 'readwrite', async (tx) => {
      const store = tx.objectStore('runs');
      const run = await store.get(id);
      if (!run)
        throw new StoreError(
          `No run with id ${id}.`,
          'It may have been deleted in another tab; reload.',
        );
      const next: RunRecord = { ...run, ...patch, updatedAt: now };
      await store.put(next);
      return next;
    });
  }

  /** The run with this id, or undefined. */
  async get(id: string): Promise<RunRecord | undefined> {
    return inTx(this.db, ['runs'], 'readonly', (tx) => tx.objectStore('runs').get(id));
  }

  /** Runs newest first; `limit` caps how many. */
  async list(opts: { limit?: number } = {}): Promise<RunRecord[]> {
    return inTx(this.db, ['runs'], 'readonly', async (tx) => {
      const out: RunRecord[] = [];
      let cursor = await tx.objectStore('runs').index('by-createdAt').openCursor(null, 'prev');
      while (cursor && (opts.limit === undefined || out.length < opts.limit)) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    });
  }

  /** Runs in any of these statuses (default: the resumable ones, `running` and `paused`). */
  async byStatus(statuses: readonly RunStatus[] = ['running', 'paused']): Promise<RunRecord[]> {
    return inTx(this.db, ['runs'], 'readonly', async (tx) => {
      const index = tx.objectStore('runs').index('by-status');
      const found = await requests(statuses, (s) => index.getAll(s));
      return found.flat().sort((a, b) => b.createdAt - a.createdAt);
    });
  }

  /** A dataset's runs, newest first. */
  async byDataset(datasetId: string): Promise<RunRecord[]> {
    const found = await inTx(this.db, ['runs'], 'readonly', (tx) =>
      tx.objectStore('runs').index('by-dataset').getAll(datasetId),
    );
    return found.sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Deletes a run and its judgments in one transaction. Items without a dataset (one-pair items)
   * that no other run's judgment refers to are deleted with their labels; dataset items stay.
   * A panel member leaves its panel; a panel left with no member is deleted.
   */
  async delete(id: string): Promise<void> {
    await inTx(
      this.db,
      ['runs', 'judgments', 'items', 'labels', 'digests', 'panels'],
      'readwrite',
      async (tx) => {
        const judgments = tx.objectStore('judgments');
        const items = tx.objectStore('items');
        const run = await tx.objectStore('runs').get(id);
        if (run?.panelId !== undefined) {
          const panels = tx.objectStore('panels');
          const panel = await panels.get(run.panelId);
          const memberRunIds = panel?.memberRunIds.filter((m) => m !== id) ?? [];
          if (panel && memberRunIds.length > 0) await panels.put({ ...panel, memberRunIds });
          else if (panel) await panels.delete(panel.id);
        }
        await tx.objectStore('runs').delete(id);
        await tx.objectStore('digests').delete(digestRange(id));
        const itemIds = new Set<string>();
        let cursor = await judgments
          .index('by-run')
          .openCursor(IDBKeyRange.bound([id], [id, AFTER_ALL]));
        while (cursor) {
          itemIds.add(cursor.value.itemId);
          await cursor.delete();
          cursor = await cursor.continue();
        }
        for (const itemId of itemIds) {
          const item = await items.get(itemId);
          if (!item || item.datasetId !== undefined) continue;
          if ((await judgments.index('by-item').count(itemId)) > 0) continue;
          await Promise.all([items.delete(itemId), tx.objectStore('labels').delete(itemId)]);
        }
      },
    );
  }
}
