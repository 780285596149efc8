// Cumulative schema migrations, v0 → DB_VERSION; run inside the versionchange transaction.
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ArbiterDB } from './schema';

type UpgradeTx = IDBPTransaction<ArbiterDB, StoreNames<ArbiterDB>[], 'versionchange'>;

/**
 * Brings a database from `oldVersion` up to `targetVersion` (normally DB_VERSION; tests pass 1 to
 * build a v1 database). Steps are cumulative and each runs once, in order.
 * Rules: only IndexedDB calls are awaited here (any other await lets the transaction commit
 * half-migrated); a failing backfill aborts the upgrade, so the database stays at `oldVersion`.
 */
export function migrate(
  db: IDBPDatabase<ArbiterDB>,
  tx: UpgradeTx,
  oldVersion: number,
  targetVersion: number,
): void {
  if (oldVersion < 1 && targetVersion >= 1) {
    const datasets = db.createObjectStore('datasets', { keyPath: 'id' });
    datasets.createIndex('by-createdAt', 'createdAt');

    const items = db.createObjectStore('items', { keyPath: 'id' });
    items.createIndex('by-dataset', ['datasetId', 'index']);

    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('by-createdAt', 'createdAt');
    runs.createIndex('by-dataset', 'datasetId');

    const judgments = db.createObjectStore('judgments', { keyPath: 'id' });
    judgments.createIndex('by-run', ['runId', 'createdAt', 'id']);
    judgments.createIndex('by-item', 'itemId');
    judgments.createIndex('by-key', 'key', { unique: false });
    judgments.createIndex('by-createdAt', ['createdAt', 'id']);

    db.createObjectStore('labels', { keyPath: 'itemId' });
  }

  if (oldVersion < 2 && targetVersion >= 2) {
    // v2: resumable runs are found by status; labels carry their item's datasetId (backfilled)
    // so a dataset's labels are one index read.
    tx.objectStore('runs').createIndex('by-status', 'status');
    tx.objectStore('labels').createIndex('by-dataset', 'datasetId');
    backfillLabelDatasets(tx).catch(() => {
      // Must abort on failure: a half-done backfill must never commit as version 2.
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
    });
  }

  if (oldVersion < 3 && targetVersion >= 3) {
    // v3: per-run review digests. Existing runs get none here: an absent digest counts as stale
    // and is built on the run's first review (with progress), which keeps this upgrade instant.
    db.createObjectStore('digests', { keyPath: ['runId', 'chunk'] });
  }

  if (oldVersion < 4 && targetVersion >= 4) {
    // v4: panels (groups of member runs). Existing runs belong to no panel, so nothing is backfilled.
    const panels = db.createObjectStore('panels', { keyPath: 'id' });
    panels.createIndex('by-createdAt', 'createdAt');
    panels.createIndex('by-dataset', 'datasetId');
  }
}

/** Copies each label's item datasetId onto the label. Awaits only IndexedDB requests. */
async function backfillLabelDatasets(tx: UpgradeTx): Promise<void> {
  const items = tx.objectStore('items');
  let cursor = await tx.objectStore('labels').openCursor();
  while (cursor) {
    const label = cursor.value;
    const item = await items.get(label.itemId);
    if (item?.datasetId !== undefined && label.datasetId !== item.datasetId) {
      await cursor.update({ ...label, datasetId: item.datasetId });
    }
    cursor = await cursor.continue();
  }
}
