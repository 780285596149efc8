// A version-1 database full of records, built with the real v1 migration, for upgrade tests (Node and Chromium).
import { openDB, wrap, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { migrate } from '../../src/lib/store/migrations';
import type { ArbiterDB } from '../../src/lib/store/schema';
import { makeDataset, makeItem, makeJudgment, makeRun } from './fixtures';

/** What buildV1Database wrote, to compare after the upgrade. */
export const V1_COUNTS = { datasets: 1, items: 3, runs: 2, judgments: 6, labels: 3 } as const;

/**
 * Creates `name` at version 1 with the raw IndexedDB API (indexedDB.open + the v1 migration step
 * only), fills it with v1-shaped records (labels without datasetId), and closes it.
 */
export async function buildV1Database(name: string): Promise<void> {
  const raw = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = (event) => {
      const db = wrap(req.result) as IDBPDatabase<ArbiterDB>;
      const tx = wrap(req.transaction!) as unknown as IDBPTransaction<
        ArbiterDB,
        StoreNames<ArbiterDB>[],
        'versionchange'
      >;
      migrate(db, tx, event.oldVersion, 1);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('open failed'));
    req.onblocked = () => reject(new Error('unexpectedly blocked'));
  });
  const db = wrap(raw) as IDBPDatabase<ArbiterDB>;
  try {
    if (db.version !== 1) throw new Error(`expected v1, got v${db.version}`);
    const tx = db.transaction(['datasets', 'items', 'runs', 'judgments', 'labels'], 'readwrite');
    const { datasetId: _, ...pair } = makeItem({ id: 'pair', prompt: 'one pair' });
    const { datasetId: _r, ...pairRun } = makeRun({ id: 'one', status: 'done' });
    // Labels written the v1 way: no datasetId.
    const labels = [
      { itemId: 'item-0', label: 'A' as const, note: 'gold ok', updatedAt: 1 },
      { itemId: 'item-2', label: null, note: 'unsure', updatedAt: 2 },
      { itemId: 'pair', label: 'B' as const, note: '', updatedAt: 3 },
    ];
    await Promise.all([
      tx.objectStore('datasets').put(makeDataset({ itemCount: 2 })),
      tx.objectStore('items').put(makeItem({ id: 'item-0', index: 0 })),
      tx.objectStore('items').put(makeItem({ id: 'item-2', index: 1 })),
      tx.objectStore('items').put(pair),
      tx.objectStore('runs').put(makeRun({ status: 'paused' })),
      tx.objectStore('runs').put(pairRun),
      ...[0, 1, 2, 3].map((i) =>
        tx.objectStore('judgments').put(
          makeJudgment({
            id: `j${i}`,
            itemId: i < 2 ? 'item-0' : 'item-2',
            order: i % 2 ? 'BA' : 'AB',
            createdAt: i,
          }),
        ),
      ),
      tx
        .objectStore('judgments')
        .put(makeJudgment({ id: 'pj0', runId: 'one', itemId: 'pair', createdAt: 10 })),
      tx
        .objectStore('judgments')
        .put(makeJudgment({ id: 'pj1', runId: 'one', itemId: 'pair', order: 'BA', createdAt: 11 })),
      ...labels.map((l) => tx.objectStore('labels').put(l)),
      tx.done,
    ]);
  } finally {
    db.close();
  }
}

/** Opens `name` at an explicit version without any upgrade code, e.g. to hold an old connection open. */
export function openRaw(name: string, version: number): Promise<IDBPDatabase<ArbiterDB>> {
  return openDB<ArbiterDB>(name, version, {
    upgrade(db, oldVersion, _newVersion, tx) {
      migrate(db, tx, oldVersion, Math.min(version, 2));
    },
  });
}
