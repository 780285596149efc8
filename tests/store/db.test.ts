// Opening, upgrading and failing: migrations, other tabs, quota, and the DOMException → StoreError mapping.
import 'fake-indexeddb/auto';
import { deleteDB, type IDBPDatabase } from 'idb';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createRepositories,
  StorageBlockedError,
  StorageClosedError,
  StorageQuotaExceededError,
  StorageUnavailableError,
  StorageVersionError,
  StoreError,
  toStoreError,
} from '../../src/lib/store';
import { openArbiterDB } from '../../src/lib/store/db';
import { DB_VERSION, type ArbiterDB } from '../../src/lib/store/schema';
import { freshDbName, makeDataset, makeItem, makeJudgment } from './fixtures';
import {
  buildV1Database,
  buildV3Database,
  openRaw,
  V1_COUNTS,
  V3_COUNTS,
} from './upgrade-scenario';

const opened: IDBPDatabase<ArbiterDB>[] = [];
const names: string[] = [];

function track<T extends IDBPDatabase<ArbiterDB>>(db: T): T {
  opened.push(db);
  return db;
}
function name(): string {
  const n = freshDbName();
  names.push(n);
  return n;
}

afterEach(async () => {
  vi.unstubAllGlobals();
  for (const db of opened.splice(0)) db.close();
  for (const n of names.splice(0)) await deleteDB(n);
});

describe('toStoreError', () => {
  test.each([
    ['QuotaExceededError', 'use', StorageQuotaExceededError],
    ['QuotaExceededError', 'open', StorageQuotaExceededError],
    ['VersionError', 'open', StorageVersionError],
    ['InvalidStateError', 'open', StorageUnavailableError],
    ['InvalidStateError', 'use', StorageClosedError],
    ['UnknownError', 'use', StorageUnavailableError],
    ['SecurityError', 'open', StorageUnavailableError],
    ['ConstraintError', 'use', StoreError],
  ] as const)('%s while %s → %o', (domName, phase, cls) => {
    const cause = new DOMException('boom', domName);
    const e = toStoreError(cause, phase);
    expect(e).toBeInstanceOf(cls);
    expect(e.constructor).toBe(cls);
    expect(e.cause).toBe(cause);
    expect(e.hint.length).toBeGreaterThan(10);
  });

  test('legacy quota code 22 and Firefox name; StoreErrors pass through', () => {
    expect(toStoreError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBeInstanceOf(
      StorageQuotaExceededError,
    );
    expect(toStoreError({ name: 'Whatever', code: 22 })).toBeInstanceOf(StorageQuotaExceededError);
    const own = new StorageBlockedError();
    expect(toStoreError(own)).toBe(own);
    expect(toStoreError('weird').message).toContain('weird');
  });
});

/**
 * Wraps a database so the n-th put (counting from 1) fails with QuotaExceededError after really
 * writing. Puts into the review digests (one per judgment write) are not counted.
 */
function withQuotaOnPut(
  db: IDBPDatabase<ArbiterDB>,
  failOn: (n: number) => boolean,
): IDBPDatabase<ArbiterDB> {
  let n = 0;
  const bindAll = <T extends object>(target: T, override: (p: string | symbol) => unknown) =>
    new Proxy(target, {
      get(t, p) {
        const o = override(p);
        if (o !== undefined) return o;
        const v: unknown = Reflect.get(t, p, t);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
  const store = (s: object & { put: (v: unknown) => Promise<unknown> }) =>
    bindAll(s, (p) =>
      p === 'put'
        ? (v: unknown) => {
            n += 1;
            const real = s.put(v);
            if (!failOn(n)) return real;
            // The real write happened inside the transaction; the abort must undo it.
            real.catch(() => {});
            return Promise.reject(
              new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
            );
          }
        : undefined,
    );
  return bindAll(db, (p) =>
    p === 'transaction'
      ? (...args: Parameters<IDBPDatabase<ArbiterDB>['transaction']>) => {
          const tx = db.transaction(...args);
          return bindAll(tx, (q) =>
            q === 'objectStore'
              ? (storeName: 'judgments') =>
                  (storeName as string) === 'digests'
                    ? tx.objectStore(storeName)
                    : store(
                        tx.objectStore(storeName) as unknown as {
                          put: (v: unknown) => Promise<unknown>;
                        },
                      )
              : undefined,
          );
        }
      : undefined,
  );
}

describe('quota exceeded', () => {
  test('a failed judgment write rejects with StorageQuotaExceededError and loses nothing saved before', async () => {
    const db = track(await openArbiterDB(name()));
    const repo = createRepositories(withQuotaOnPut(db, (n) => n === 4));
    for (let i = 1; i <= 3; i++)
      await repo.judgments.put(makeJudgment({ id: `j${i}`, createdAt: i }));
    const err = await repo.judgments
      .put(makeJudgment({ id: 'j4', createdAt: 4 }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaExceededError);
    expect((err as StorageQuotaExceededError).hint).toMatch(/Nothing saved before was lost/);

    const plain = createRepositories(db);
    expect(await plain.judgments.count()).toBe(3);
    expect(await plain.judgments.get('j4')).toBeUndefined();
    expect((await plain.judgments.newest()).entries.map((e) => e.judgment.id)).toEqual([
      'j3',
      'j2',
      'j1',
    ]);
    // The connection stays usable: the next write succeeds.
    await repo.judgments.put(makeJudgment({ id: 'j5', createdAt: 5 }));
    expect(await plain.judgments.count()).toBe(4);
  });

  test('an import that hits the quota leaves no half dataset', async () => {
    const db = track(await openArbiterDB(name()));
    const repo = createRepositories(withQuotaOnPut(db, (n) => n === 3));
    const items = [0, 1, 2, 3].map((i) => makeItem({ id: `i${i}`, index: i }));
    await expect(repo.datasets.import(makeDataset(), items)).rejects.toBeInstanceOf(
      StorageQuotaExceededError,
    );
    const plain = createRepositories(db);
    expect(await plain.datasets.list()).toEqual([]);
    expect(await plain.items.countInDataset('ds-1')).toBe(0);
  });
});

describe('openArbiterDB', () => {
  test('creates the latest version with every store and index', async () => {
    const db = track(await openArbiterDB(name()));
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'datasets',
      'digests',
      'items',
      'judgments',
      'labels',
      'panels',
      'runs',
    ]);
    const tx = db.transaction(['judgments', 'runs', 'labels', 'items', 'panels']);
    expect([...tx.objectStore('judgments').indexNames].sort()).toEqual([
      'by-createdAt',
      'by-item',
      'by-key',
      'by-run',
    ]);
    expect(tx.objectStore('judgments').index('by-key').unique).toBe(false);
    expect([...tx.objectStore('runs').indexNames].sort()).toEqual([
      'by-createdAt',
      'by-dataset',
      'by-status',
    ]);
    expect([...tx.objectStore('labels').indexNames]).toEqual(['by-dataset']);
    expect([...tx.objectStore('items').indexNames]).toEqual(['by-dataset']);
    expect([...tx.objectStore('panels').indexNames].sort()).toEqual(['by-createdAt', 'by-dataset']);
  });

  test('upgrades a frozen v3 database to v4: an empty panels store, every record kept as it was', async () => {
    const n = name();
    await buildV3Database(n);
    const db = track(await openArbiterDB(n));
    expect(db.version).toBe(4);
    for (const [store, count] of Object.entries(V3_COUNTS)) {
      expect(await db.count(store as keyof typeof V3_COUNTS), store).toBe(count);
    }
    expect(await db.count('panels')).toBe(0);
    const repo = createRepositories(db);
    const runs = await repo.runs.list();
    expect(runs.map((r) => [r.id, r.status, r.panelId])).toEqual([
      ['run-b', 'paused', undefined],
      ['run-a', 'done', undefined],
    ]);
    expect((await repo.runs.byStatus()).map((r) => r.id)).toEqual(['run-b']);
    expect((await repo.judgments.byRun('run-a')).map((j) => j.id)).toEqual([
      'j1',
      'j2',
      'j3',
      'j4',
    ]);
    expect((await repo.labels.byDataset('ds-1')).map((l) => [l.itemId, l.label])).toEqual([
      ['item-1', 'A'],
    ]);
    expect(await repo.panels.list()).toEqual([]);
    // The new store works on the upgraded database, deleting the dataset takes its panel too.
    await repo.panels.put({
      id: 'panel-1',
      name: 'p',
      datasetId: 'ds-1',
      protocol: 'pairwise',
      memberRunIds: ['run-a', 'run-b'],
      createdAt: 1,
      updatedAt: 1,
    });
    expect((await repo.panels.byDataset('ds-1')).map((p) => p.id)).toEqual(['panel-1']);
    await repo.datasets.delete('ds-1');
    expect(await db.count('panels')).toBe(0);
  });

  test('upgrades a v1 database to the latest without losing a record, backfilling labels', async () => {
    const n = name();
    await buildV1Database(n);
    const db = track(await openArbiterDB(n));
    expect(db.version).toBe(DB_VERSION);
    // v3: an empty digests store; every run's digest is built on its first review.
    expect(await db.count('digests')).toBe(0);
    for (const [store, count] of Object.entries(V1_COUNTS)) {
      expect(await db.count(store as keyof typeof V1_COUNTS)).toBe(count);
    }
    const repo = createRepositories(db);
    expect((await repo.labels.byDataset('ds-1')).map((l) => l.itemId).sort()).toEqual([
      'item-0',
      'item-2',
    ]);
    expect((await repo.labels.get('pair'))?.datasetId).toBeUndefined();
    expect((await repo.runs.byStatus()).map((r) => r.id)).toEqual(['run-1']);
    expect((await repo.judgments.byRun('one')).map((j) => j.id)).toEqual(['pj0', 'pj1']);
  });

  test('a database newer than this code rejects with StorageVersionError', async () => {
    const n = name();
    (await openRaw(n, DB_VERSION + 1)).close();
    await expect(openArbiterDB(n)).rejects.toBeInstanceOf(StorageVersionError);
  });

  test('no IndexedDB (or a refusing one) rejects with StorageUnavailableError', async () => {
    vi.stubGlobal('indexedDB', undefined);
    await expect(openArbiterDB(name())).rejects.toBeInstanceOf(StorageUnavailableError);
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    await expect(openArbiterDB(name())).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  test('blocked by an old connection: reports it, and rejects after blockedTimeoutMs', async () => {
    const n = name();
    const old = track(await openRaw(n, 1)); // ignores versionchange, like an old tab
    const onBlocked = vi.fn();
    await expect(openArbiterDB(n, { onBlocked, blockedTimeoutMs: 50 })).rejects.toBeInstanceOf(
      StorageBlockedError,
    );
    expect(onBlocked).toHaveBeenCalledWith(expect.any(StorageBlockedError));
    old.close();
    const db = track(await openArbiterDB(n));
    expect(db.version).toBe(DB_VERSION);
  });

  test('blocked without a timeout: waits, and opens once the old tab closes', async () => {
    const n = name();
    const old = await openRaw(n, 1);
    const db = track(await openArbiterDB(n, { onBlocked: () => old.close() }));
    expect(db.version).toBe(DB_VERSION);
  });

  test('blocking another tab: closes itself, tells the app, later calls reject StorageClosedError', async () => {
    const n = name();
    const onVersionChange = vi.fn();
    const db = await openArbiterDB(n, { onVersionChange });
    const repo = createRepositories(db);
    await repo.judgments.put(makeJudgment());
    const newer = track(await openRaw(n, DB_VERSION + 1));
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(onVersionChange).toHaveBeenCalledWith(expect.any(StorageVersionError));
    await expect(repo.judgments.get('j-1')).rejects.toBeInstanceOf(StorageClosedError);
  });
});
