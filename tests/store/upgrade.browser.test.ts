// Real Chromium IndexedDB: v1 → latest upgrade keeps every record, and other tabs (blocked/blocking) are handled.
import { deleteDB } from 'idb';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createRepositories,
  StorageBlockedError,
  StorageClosedError,
  StorageVersionError,
} from '../../src/lib/store';
import { openArbiterDB, type ArbiterDatabase } from '../../src/lib/store/db';
import { DB_VERSION } from '../../src/lib/store/schema';
import { freshDbName, makeJudgment } from './fixtures';
import {
  buildV1Database,
  buildV3Database,
  openRaw,
  V1_COUNTS,
  V3_COUNTS,
} from './upgrade-scenario';

const opened: { close(): void }[] = [];
const names: string[] = [];

function name(): string {
  const n = freshDbName('arbiter-browser');
  names.push(n);
  return n;
}

afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  for (const n of names.splice(0)) await deleteDB(n);
});

describe('upgrade in Chromium', () => {
  test('a v1 database with data opens at the latest version with nothing lost and v2 applied', async () => {
    const n = name();
    await buildV1Database(n);
    const db: ArbiterDatabase = await openArbiterDB(n);
    opened.push(db);

    expect(db.version).toBe(DB_VERSION);
    for (const [store, count] of Object.entries(V1_COUNTS)) {
      expect(await db.count(store as keyof typeof V1_COUNTS), store).toBe(count);
    }
    const repo = createRepositories(db);
    // v2: labels backfilled with their item's datasetId, runs indexed by status.
    const labels = await repo.labels.byDataset('ds-1');
    expect(labels.map((l) => [l.itemId, l.label, l.note])).toEqual([
      ['item-0', 'A', 'gold ok'],
      ['item-2', null, 'unsure'],
    ]);
    expect((await repo.labels.get('pair'))?.datasetId).toBeUndefined();
    expect((await repo.runs.byStatus()).map((r) => r.id)).toEqual(['run-1']);
    expect(db.transaction('runs').store.indexNames.contains('by-status')).toBe(true);
    // v1 records are readable through the repositories as before.
    expect((await repo.judgments.byRun('run-1')).map((j) => j.id)).toEqual([
      'j0',
      'j1',
      'j2',
      'j3',
    ]);
    expect(
      (await repo.judgments.newest({ query: 'one pair' })).entries.map((e) => e.judgment.id),
    ).toEqual(['pj1', 'pj0']);
  });

  test('a frozen v3 database opens at v4 with an empty panels store and every record kept', async () => {
    const n = name();
    await buildV3Database(n);
    const db: ArbiterDatabase = await openArbiterDB(n);
    opened.push(db);
    expect(db.version).toBe(4);
    for (const [store, count] of Object.entries(V3_COUNTS)) {
      expect(await db.count(store as keyof typeof V3_COUNTS), store).toBe(count);
    }
    expect(await db.count('panels')).toBe(0);
    const repo = createRepositories(db);
    expect((await repo.runs.byStatus()).map((r) => [r.id, r.panelId])).toEqual([
      ['run-b', undefined],
    ]);
    expect((await repo.judgments.byRun('run-b')).map((j) => j.id)).toEqual(['j5', 'j6']);
    expect([...db.transaction('panels').store.indexNames].sort()).toEqual([
      'by-createdAt',
      'by-dataset',
    ]);
  });

  test('reopening an upgraded database runs no migration again and keeps data', async () => {
    const n = name();
    await buildV1Database(n);
    (await openArbiterDB(n)).close();
    const db = await openArbiterDB(n);
    opened.push(db);
    expect(await db.count('judgments')).toBe(V1_COUNTS.judgments);
    expect(await db.count('labels')).toBe(V1_COUNTS.labels);
  });
});

describe('other tabs in Chromium', () => {
  test('an old tab that never closes blocks the upgrade: onBlocked fires, then StorageBlockedError', async () => {
    const n = name();
    await buildV1Database(n);
    const oldTab = await openRaw(n, 1); // no versionchange handler, like an old Arbiter
    opened.push(oldTab);
    const onBlocked = vi.fn();
    const err = await openArbiterDB(n, { onBlocked, blockedTimeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageBlockedError);
    expect((err as StorageBlockedError).hint).toMatch(/Close or reload the other Arbiter tabs/);
    expect(onBlocked).toHaveBeenCalledTimes(1);

    // Once the old tab goes away, the upgrade goes through and the data is intact.
    oldTab.close();
    const db = await openArbiterDB(n);
    opened.push(db);
    expect(db.version).toBe(DB_VERSION);
    expect(await db.count('judgments')).toBe(V1_COUNTS.judgments);
  });

  test('without a timeout the open waits while blocked and succeeds when the old tab closes', async () => {
    const n = name();
    const oldTab = await openRaw(n, 1);
    const db = await openArbiterDB(n, { onBlocked: () => setTimeout(() => oldTab.close(), 50) });
    opened.push(db);
    expect(db.version).toBe(DB_VERSION);
  });

  test('a newer tab upgrading: we close, tell the app, and later calls say StorageClosedError', async () => {
    const n = name();
    const onVersionChange = vi.fn();
    const db = await openArbiterDB(n, { onVersionChange });
    const repo = createRepositories(db);
    await repo.judgments.put(makeJudgment());
    const newer = await openRaw(n, DB_VERSION + 1);
    opened.push(newer);
    expect(onVersionChange).toHaveBeenCalledWith(expect.any(StorageVersionError));
    await expect(repo.judgments.get('j-1')).rejects.toBeInstanceOf(StorageClosedError);
    expect(await newer.count('judgments')).toBe(1);
    // And this (older) code can no longer open it.
    await expect(openArbiterDB(n)).rejects.toBeInstanceOf(StorageVersionError);
  });
});
