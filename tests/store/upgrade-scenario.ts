// A version-1 database full of records, built from a frozen v1 fixture (not today's code), for upgrade tests (Node and Chromium).
import { openDB, type IDBPDatabase } from 'idb';
import { migrate } from '../../src/lib/store/migrations';
import type { ArbiterDB } from '../../src/lib/store/schema';
import v1 from './fixtures/v1-database.json';
import v3 from './fixtures/v3-database.json';

/** What the v1 fixture holds, to compare after the upgrade. */
export const V1_COUNTS = { datasets: 1, items: 3, runs: 2, judgments: 6, labels: 3 } as const;

/** What the v3 fixture holds (digests empty: a v3 database builds them on first review). */
export const V3_COUNTS = {
  datasets: 1,
  items: 2,
  runs: 2,
  judgments: 6,
  labels: 1,
  digests: 0,
} as const;

interface FrozenStore {
  name: string;
  keyPath: string | string[];
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
}

/**
 * Creates `name` at version 1 with the raw IndexedDB API from tests/store/fixtures/v1-database.json:
 * the object stores and indexes version 1 created and the records as v1 wrote them (labels
 * without datasetId). Frozen on purpose: a change to migrate() cannot change what "v1" is here.
 */
export async function buildV1Database(name: string): Promise<void> {
  await buildFrozenDatabase(name, v1 as FrozenDatabase);
}

/**
 * Creates `name` at version 3 from tests/store/fixtures/v3-database.json: written by the v3 code
 * (commit 81312c8) with the fixtures' record builders, two runs, six judgments and a label, then
 * frozen; no panels store and no `panelId` on any run.
 */
export async function buildV3Database(name: string): Promise<void> {
  await buildFrozenDatabase(name, v3 as FrozenDatabase);
}

interface FrozenDatabase {
  version: number;
  stores: FrozenStore[];
  records: Record<string, unknown[]>;
}

async function buildFrozenDatabase(name: string, fixture: FrozenDatabase): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, fixture.version);
    req.onupgradeneeded = () => {
      for (const s of fixture.stores) {
        const store = req.result.createObjectStore(s.name, {
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
        for (const i of s.indexes)
          store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('open failed'));
    req.onblocked = () => reject(new Error('unexpectedly blocked'));
  });
  try {
    if (db.version !== fixture.version)
      throw new Error(`expected v${fixture.version}, got v${db.version}`);
    const names = Object.keys(fixture.records);
    const tx = db.transaction(names, 'readwrite');
    for (const n of names) for (const r of fixture.records[n] ?? []) tx.objectStore(n).put(r);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('write aborted'));
    });
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
